import Foundation
import PostgresClient

/// Renders results: aligned text tables for people, JSON for programs.
enum Output {
    /// Prints a table with a header row; nil cells print as empty.
    static func table(_ header: [String], _ rows: [[String?]]) {
        let cells = rows.map { $0.map { $0 ?? "" } }
        var widths = header.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        print(line(header))
        print(line(widths.map { String(repeating: "-", count: $0) }))
        cells.forEach { print(line($0)) }
    }

    /// Prints "key: value" lines.
    static func fields(_ pairs: [(String, String?)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            print((key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + (value ?? ""))
        }
    }

    /// Prints a value as pretty JSON with snake_case keys and RFC 3339 instants.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TimestampFormat.rfc3339(date))
        }
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func instant(_ date: Date?) -> String? {
        date.map(TimestampFormat.rfc3339)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
