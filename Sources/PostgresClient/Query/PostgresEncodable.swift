import Foundation

/// A Swift value that can be sent to PostgreSQL as a bound parameter (text format).
public protocol PostgresEncodable: Sendable {
    /// The parameter type to declare; `.unspecified` lets the server infer it from context.
    static var postgresType: PostgresDataType { get }
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
}

extension String: PostgresEncodable {
    public static var postgresType: PostgresDataType { .unspecified }
    public var postgresText: String { self }
}

extension Substring: PostgresEncodable {
    public static var postgresType: PostgresDataType { .unspecified }
    public var postgresText: String { String(self) }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String { String(self) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String { String(self) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
    public var postgresText: String { String(self) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public var postgresText: String { self ? "t" : "f" }
}

extension Decimal: PostgresEncodable {
    public static var postgresType: PostgresDataType { .numeric }
    public var postgresText: String { self.description }
}

extension Date: PostgresEncodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public var postgresText: String { TimestampFormat.rfc3339(self) }
}

extension LocalDate: PostgresEncodable {
    public static var postgresType: PostgresDataType { .date }
    public var postgresText: String { self.description }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public var postgresText: String { self.uuidString.lowercased() }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }
    /// An array literal with every element double-quoted and escaped.
    public var postgresText: String {
        let items = self.map { element -> String in
            var quoted = "\""
            for scalar in element.postgresText.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { quoted.append("\\") }
                quoted.unicodeScalars.append(scalar)
            }
            return quoted + "\""
        }
        return "{" + items.joined(separator: ",") + "}"
    }
}

/// An element type that can be sent inside a PostgreSQL array parameter.
public protocol PostgresArrayElement: PostgresEncodable {
    static var postgresArrayType: PostgresDataType { get }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .textArray }
}

extension Int: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension LocalDate: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .dateArray }
}

extension Decimal: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .numericArray }
}
