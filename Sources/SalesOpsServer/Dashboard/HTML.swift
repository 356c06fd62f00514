import Foundation

/// A fragment of HTML. Interpolated strings (and anything described as text) are escaped;
/// only other `HTML` fragments go in as markup, so text from the database can never become
/// markup (the same discipline as `Query` for SQL).
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    init(stringLiteral value: String) {
        self.markup = value
    }

    init(stringInterpolation: StringInterpolation) {
        self.markup = stringInterpolation.markup
    }

    init(joining fragments: some Sequence<HTML>, separator: HTML = "") {
        self.markup = fragments.map(\.markup).joined(separator: separator.markup)
    }

    var description: String { self.markup }

    struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            self.markup.reserveCapacity(literalCapacity * 2)
        }

        mutating func appendLiteral(_ literal: String) {
            self.markup += literal
        }

        /// Text: escaped for element content and quoted attribute values.
        mutating func appendInterpolation(_ text: String) {
            self.markup += HTML.escape(text)
        }

        mutating func appendInterpolation(_ text: String?) {
            self.markup += HTML.escape(text ?? "")
        }

        mutating func appendInterpolation(_ number: Int) {
            self.markup += String(number)
        }

        mutating func appendInterpolation(_ fragment: HTML) {
            self.markup += fragment.markup
        }

        mutating func appendInterpolation(_ fragments: [HTML]) {
            self.markup += fragments.map(\.markup).joined()
        }
    }

    /// `&`, `<`, `>`, `"` and `'` as character references; control characters other than
    /// tab and newline dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.properties.generalCategory == .control { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// A dashboard URL with its query, percent-encoded.
struct PageLink: Sendable {
    var path: String
    var query: [(String, String?)]

    init(_ path: String, _ query: [(String, String?)] = []) {
        self.path = path
        self.query = query
    }

    /// Characters left as they are in a query value.
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    var text: String {
        let pairs = self.query.compactMap { name, value in
            value.map { name + "=" + ($0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "") }
        }
        return pairs.isEmpty ? self.path : self.path + "?" + pairs.joined(separator: "&")
    }
}
