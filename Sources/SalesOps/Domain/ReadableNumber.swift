import Foundation

/// Decimals as people read them: rounded to a fixed number of places, thousands grouped.
/// The CLI's tables and the dashboard format by unit on top of this; JSON and CSV keep every digit.
public enum ReadableNumber {
    /// `value` rounded (half away from zero) to `decimals` places with `,` between thousands and
    /// `minus` before a negative number, e.g. `grouped(-1234.5, decimals: 2)` is `-1,234.50`.
    public static func grouped(_ value: Decimal, decimals: Int, minus: String = "-") -> String {
        var source = value, rounded = Decimal()
        NSDecimalRound(&rounded, &source, decimals, .plain)
        let negative = rounded < 0
        let text = "\(abs(rounded))"
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < decimals { fraction += "0" }
        var groups: [String] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.insert(String(integer[start..<end]), at: 0)
            end = start
        }
        return (negative ? minus : "") + groups.joined(separator: ",") + (decimals > 0 ? "." + fraction : "")
    }

    /// Whether `value` has no fractional part.
    public static func isWhole(_ value: Decimal) -> Bool {
        var source = value, rounded = Decimal()
        NSDecimalRound(&rounded, &source, 0, .plain)
        return rounded == value
    }

    /// A count or a sum: whole numbers without decimals, others with two.
    public static func quantity(_ value: Decimal, minus: String = "-") -> String {
        self.grouped(value, decimals: self.isWhole(value) ? 0 : 2, minus: minus)
    }
}
