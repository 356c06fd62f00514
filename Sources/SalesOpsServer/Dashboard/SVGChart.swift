import Foundation

/// Charts drawn on the server as inline SVG: no script, nothing loaded. Each has a `<title>`
/// and a `<desc>` listing every value, so a screen reader (or a page without images) gets
/// the numbers the picture shows.
enum SVGChart {
    /// A point of a trend.
    struct Point {
        var label: String
        var value: Decimal?
        /// The value as people read it.
        var text: String
    }

    /// A line over the last periods, the newest at the right; missing values leave gaps.
    static func trend(id: String, title: String, points: [Point], width: Int = 220, height: Int = 56) -> HTML {
        let values = points.compactMap { $0.value.map { NSDecimalNumber(decimal: $0).doubleValue } }
        let low = min(values.min() ?? 0, 0), high = max(values.max() ?? 1, low + 1e-9)
        let step = points.count > 1 ? Double(width - 8) / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { 4 + Double(index) * step }
        func y(_ value: Double) -> Double { Double(height - 6) - (value - low) / (high - low) * Double(height - 12) }
        var segments: [[(Double, Double)]] = [[]]
        var dots: [HTML] = []
        for (index, point) in points.enumerated() {
            guard let value = point.value.map({ NSDecimalNumber(decimal: $0).doubleValue }) else {
                if !(segments.last ?? []).isEmpty { segments.append([]) }
                continue
            }
            segments[segments.count - 1].append((x(index), y(value)))
            let last = index == points.count - 1
            dots.append("<circle cx=\"\(Self.coordinate(x(index)))\" cy=\"\(Self.coordinate(y(value)))\" r=\"\(last ? "3" : "1.8")\" fill=\"#1f5fbf\"><title>\(point.label): \(point.text)</title></circle>")
        }
        let lines = segments.filter { $0.count > 1 }.map { segment -> HTML in
            let coordinates = segment.map { "\(Self.coordinate($0.0)),\(Self.coordinate($0.1))" }.joined(separator: " ")
            return "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.6\"/>"
        }
        let zero = low < 0 ? HTML("<line x1=\"0\" x2=\"\(width)\" y1=\"\(Self.coordinate(y(0)))\" y2=\"\(Self.coordinate(y(0)))\" stroke=\"#bbb\" stroke-dasharray=\"2 2\"/>") : ""
        let description = points.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        return """
            <svg class="trend" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)-t \(id)-d" xmlns="http://www.w3.org/2000/svg"><title id="\(id)-t">\(title)</title><desc id="\(id)-d">\(description)</desc>\(zero)\(lines)\(dots)</svg>
            """
    }

    /// A bar of a bar chart, with the page its number links to.
    struct Bar {
        var label: String
        var value: Decimal
        var text: String
        var link: String?
    }

    /// Horizontal bars, longest = the largest value; each label and value is text beside its bar.
    static func bars(id: String, title: String, bars: [Bar], width: Int = 460) -> HTML {
        let rowHeight = 22, labelWidth = 150, valueWidth = 110
        let height = max(rowHeight * bars.count + 4, rowHeight)
        let largest = bars.map { NSDecimalNumber(decimal: abs($0.value)).doubleValue }.max() ?? 0
        let room = Double(width - labelWidth - valueWidth)
        let rows = bars.enumerated().map { index, bar -> HTML in
            let top = 2 + index * rowHeight
            let length = largest > 0 ? max(1, NSDecimalNumber(decimal: abs(bar.value)).doubleValue / largest * room) : 1
            let value: HTML = bar.link.map { "<a href=\"\($0)\"><text x=\"\(labelWidth + Int(length) + 6)\" y=\"\(top + 15)\" class=\"value\">\(bar.text)</text></a>" }
                ?? "<text x=\"\(labelWidth + Int(length) + 6)\" y=\"\(top + 15)\" class=\"value\">\(bar.text)</text>"
            return """
                <g><title>\(bar.label): \(bar.text)</title><text x="\(labelWidth - 6)" y="\(top + 15)" text-anchor="end">\(Self.clipped(bar.label))</text><rect x="\(labelWidth)" y="\(top + 3)" width="\(Self.coordinate(length))" height="\(rowHeight - 8)" fill="#5b8fd9"/>\(value)</g>
                """
        }
        let description = bars.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        return """
            <svg class="bars" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)-t \(id)-d" xmlns="http://www.w3.org/2000/svg"><title id="\(id)-t">\(title)</title><desc id="\(id)-d">\(description)</desc>\(rows)</svg>
            """
    }

    static func clipped(_ label: String) -> String {
        label.count > 22 ? String(label.prefix(21)) + "…" : label
    }

    /// A coordinate with one decimal (integer arithmetic: `String(format:)` is slow on Linux).
    static func coordinate(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return sign + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
    }
}
