import Foundation
import PostgresClient

/// Renders results: aligned text tables for people, JSON for programs.
enum Output {
    /// Prints a table with a header row; nil cells print as empty.
    static func table(_ header: [String], _ rows: [[String?]]) {
        Swift.print(self.renderTable(header, rows), terminator: "")
    }

    /// A table with a header row, one line per row, columns aligned; nil cells are empty and
    /// control characters in cells are shown escaped (a name can never move the cursor).
    static func renderTable(_ header: [String], _ rows: [[String?]]) -> String {
        let cells = rows.map { $0.map { self.visible($0 ?? "") } }
        var widths = header.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + cells.map(line).joined()
    }

    /// Prints "key: value" lines, control characters in values escaped.
    static func fields(_ pairs: [(String, String?)]) {
        Swift.print(self.renderFields(pairs), terminator: "")
    }

    /// "key: value" lines, keys aligned, control characters in values escaped.
    static func renderFields(_ pairs: [(String, String?)]) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { key, value in
            (key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + self.visible(value ?? "") + "\n"
        }.joined()
    }

    /// `text` with every control character (C0, DEL, C1 — ESC, BEL, CR, tab, ...) and the
    /// backslash written as escapes (`\u{1B}`, `\\`), so terminal output shows them instead
    /// of obeying them.
    static func visible(_ text: String) -> String {
        self.escapingControls(text, backslashes: true)
    }

    /// `text` with every control character written as `\u{…}`, and the backslash as `\\`
    /// when `backslashes` (so the escapes read back unambiguously on a terminal).
    static func escapingControls(_ text: String, backslashes: Bool) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || (backslashes && $0 == "\\") })
        else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if backslashes && scalar == "\\" {
                result += "\\\\"
            } else if scalar.properties.generalCategory == .control {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Prints a value as pretty JSON with snake_case keys and RFC 3339 instants.
    static func json(_ value: some Encodable) throws {
        Swift.print(try self.jsonText(value))
    }

    /// A value as pretty JSON with snake_case keys and RFC 3339 instants.
    static func jsonText(_ value: any Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TimestampFormat.rfc3339(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
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
