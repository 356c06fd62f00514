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

        private static func renumber(_ sql: String, by offset: Int) -> String {
            var result = ""
            var iterator = sql.makeIterator()
            var pending: Character? = iterator.next()
            while let character = pending {
                pending = iterator.next()
                guard character == "$", let next = pending, next.isASCII, next.isNumber else {
                    result.append(character)
                    continue
                }
                var digits = ""
                while let digit = pending, digit.isASCII, digit.isNumber {
                    digits.append(digit)
                    pending = iterator.next()
                }
                result += "$\(Int(digits)! + offset)"
            }
            return result
        }
    }
}
