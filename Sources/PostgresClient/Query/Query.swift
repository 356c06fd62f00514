/// A SQL statement with its bound parameters.
///
/// Interpolating a value into a `Query` literal binds it as a parameter (`$1`, `$2`, ...):
///
///     let query: Query = "SELECT id FROM salesops.orgs WHERE slug = \(slug)"
///
/// so the safe way is also the easy way. SQL text that is not a value (an identifier
/// from our own code, never from a user) needs the visible `\(unescaped: ...)` marker.
public struct Query: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$n` placeholders.
    public private(set) var sql: String
    /// The parameter values in order; `nil` is SQL NULL.
    public private(set) var bindings: [Binding]

    /// One bound parameter.
    public struct Binding: Sendable, Hashable {
        /// The value in PostgreSQL's text input format; nil is NULL.
        public var text: String?
        /// The declared parameter type.
        public var type: PostgresDataType

        /// - Parameters:
        ///   - text: the value in PostgreSQL's text input format; nil is NULL.
        ///   - type: the declared type; `.unspecified` lets the server infer it.
        public init(text: String?, type: PostgresDataType) {
            self.text = text
            self.type = type
        }
    }

    /// Builds a query from raw SQL text and parameters given explicitly — for statements the
    /// program assembles itself (import formats, catalog-driven tests). The label says what the
    /// text is; the safe way for everything else is string interpolation, where values become
    /// bound parameters and raw fragments need `\(unescaped:)`. Not public: only this package
    /// may splice SQL.
    /// - Parameters:
    ///   - sql: the statement, with `$1`... placeholders for `bindings`.
    ///   - bindings: the values, in placeholder order.
    package init(unescaped sql: String, bindings: [Binding] = []) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.bindings = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
    }

    public var description: String { self.sql }

    /// Appends another query, renumbering its placeholders after this one's.
    public mutating func append(_ other: Query) {
        var interpolation = StringInterpolation(literalCapacity: other.sql.count, interpolationCount: other.bindings.count)
        interpolation.sql = self.sql
        interpolation.bindings = self.bindings
        interpolation.appendInterpolation(other)
        self.sql = interpolation.sql
        self.bindings = interpolation.bindings
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings: [Binding]

        public init(literalCapacity: Int, interpolationCount: Int) {
            self.sql = ""
            self.sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            self.bindings = []
            self.bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            self.sql += literal
        }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            self.bindings.append(Binding(text: value.postgresText, type: Value.postgresType))
            self.sql += "$\(self.bindings.count)"
        }

        /// Binds an optional value; `nil` becomes NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            self.bindings.append(Binding(text: value?.postgresText, type: Value.postgresType))
            self.sql += "$\(self.bindings.count)"
        }

        /// Splices another query in, renumbering its placeholders.
        public mutating func appendInterpolation(_ query: Query) {
            let offset = self.bindings.count
            self.sql += offset == 0 ? query.sql : Self.renumber(query.sql, by: offset)
            self.bindings += query.bindings
        }

        /// Splices raw SQL text. Only for text from the program itself (identifiers,
        /// fixed fragments), never for user values: those are bound parameters.
        public mutating func appendInterpolation(unescaped text: String) {
            self.sql += text
        }

        /// `sql` with every placeholder `$n` outside string literals, quoted identifiers,
        /// dollar-quoted bodies and comments raised by `offset`.
        static func renumber(_ sql: String, by offset: Int) -> String {
            let text = Array(sql.unicodeScalars)
            var result = String.UnicodeScalarView()
            var index = 0
            /// Copies text up to and including the first `terminator` at or after `from`.
            func copy(through terminator: [Unicode.Scalar], from start: Int, escapes: Bool = false) {
                var position = start
                while position < text.count {
                    if escapes && text[position] == "\\" && position + 1 < text.count {
                        position += 2
                        continue
                    }
                    if text[position] == terminator[0], position + terminator.count <= text.count,
                       Array(text[position..<position + terminator.count]) == terminator {
                        position += terminator.count
                        // '' and "" inside a literal or identifier are escaped quotes, not the end.
                        if terminator.count == 1, (terminator[0] == "'" || terminator[0] == "\""),
                           position < text.count, text[position] == terminator[0] {
                            position += 1
                            continue
                        }
                        break
                    }
                    position += 1
                }
                result.append(contentsOf: text[index..<min(position, text.count)])
                index = min(position, text.count)
            }
            while index < text.count {
                let character = text[index]
                let next: Unicode.Scalar? = index + 1 < text.count ? text[index + 1] : nil
                switch character {
                case "'":
                    let escapes = index > 0 && (text[index - 1] == "E" || text[index - 1] == "e")
                        && (index < 2 || !Self.isIdentifierScalar(text[index - 2]))
                    copy(through: ["'"], from: index + 1, escapes: escapes)
                case "\"":
                    copy(through: ["\""], from: index + 1)
                case "-" where next == "-":
                    copy(through: ["\n"], from: index + 2)
                case "/" where next == "*":
                    copy(through: ["*", "/"], from: index + 2)
                case "$":
                    if let next, next.properties.numericType != nil, next.isASCII,
                       index == 0 || !Self.isIdentifierScalar(text[index - 1]) {
                        var end = index + 1
                        while end < text.count, text[end].isASCII, text[end].properties.numericType != nil { end += 1 }
                        let number = Int(String(String.UnicodeScalarView(text[index + 1..<end])))!
                        result.append(contentsOf: "$\(number + offset)".unicodeScalars)
                        index = end
                    } else if let tagEnd = Self.dollarQuoteTagEnd(text, from: index) {
                        copy(through: Array(text[index...tagEnd]), from: tagEnd + 1)
                    } else {
                        result.append(character)
                        index += 1
                    }
                default:
                    result.append(character)
                    index += 1
                }
            }
            return String(result)
        }

        /// Letters, digits, `_` and `$`: the characters an identifier continues with.
        private static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic || (scalar.isASCII && scalar.properties.numericType != nil)
        }

        /// The index of the closing `$` of a dollar-quote opening tag (`$$` or `$tag$`) at `start`.
        private static func dollarQuoteTagEnd(_ text: [Unicode.Scalar], from start: Int) -> Int? {
            if start > 0, Self.isIdentifierScalar(text[start - 1]) { return nil }
            var position = start + 1
            while position < text.count {
                let scalar = text[position]
                if scalar == "$" { return position }
                let first = position == start + 1
                guard scalar == "_" || scalar.properties.isAlphabetic || (!first && scalar.isASCII && scalar.properties.numericType != nil)
                else { return nil }
                position += 1
            }
            return nil
        }
    }
}
