import ArgumentParser
import Foundation

/// How a list or show command prints: an aligned table for people (the default), JSON or CSV
/// for programs. `--table`, `--json` and `--csv` exclude each other.
enum OutputFormat: String, EnumerableFlag {
    case table, json, csv

    static func help(for value: OutputFormat) -> ArgumentHelp? {
        switch value {
        case .table: "Print an aligned table (the default)."
        case .json: "Print JSON."
        case .csv: "Print CSV (RFC 4180, a header row)."
        }
    }
}

/// The output option every list and show command takes.
struct OutputOptions: ParsableArguments {
    @Flag(exclusivity: .exclusive)
    var format: OutputFormat = .table
}

/// A command's result, ready in each format; `Output.render` picks one and returns the text.
struct Rendering {
    /// The text for people.
    var table: String
    /// The header (as people read it; CSV turns it into snake_case) and rows.
    var header: [String]
    var rows: [[String?]]
    /// The value behind the JSON form.
    var json: any Encodable
}

extension Output {
    /// The rendering's text in `format`, ending in a newline.
    static func render(_ rendering: Rendering, as format: OutputFormat) throws -> String {
        switch format {
        case .table: rendering.table
        case .json: try self.jsonText(rendering.json) + "\n"
        case .csv: self.csv(rendering.header, rendering.rows)
        }
    }

    /// Prints a rendering in `format`.
    static func print(_ rendering: Rendering, as format: OutputFormat) throws {
        Swift.print(try self.render(rendering, as: format), terminator: "")
    }

    /// CSV: the header in snake_case (`ATTAINMENT %` → `attainment_pct`), then the rows; a
    /// field holding a comma, quote or line break is quoted, quotes doubled; nil is empty.
    /// Stored text cannot act on a spreadsheet or a terminal: control characters are written
    /// as escapes (`\u{1B}`), and a cell starting with `=`, `+`, `-` or `@` that is not a
    /// number gets a leading `'`, so spreadsheets read it as text, never as a formula.
    static func csv(_ header: [String], _ rows: [[String?]]) -> String {
        func field(_ value: String?) -> String {
            guard let raw = value else { return "" }
            let text: String = Self.inert(raw)
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let names = header.map {
            $0.lowercased().replacingOccurrences(of: " %", with: "_pct").replacingOccurrences(of: " ", with: "_")
        }
        return ([names] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    /// A CSV cell's text with control characters escaped and formula triggers neutralized.
    static func inert(_ text: String) -> String {
        let result = Self.escapingControls(text, backslashes: false)
        if let first = result.first, "=+-@".contains(first),
           result.range(of: #"^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?%?$"#, options: .regularExpression) == nil {
            return "'" + result
        }
        return result
    }
}
