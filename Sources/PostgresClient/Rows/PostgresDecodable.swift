import Foundation

/// A Swift type that can be decoded from a column's text value.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value.
    /// - Parameters:
    ///   - text: the value in PostgreSQL's text output format.
    ///   - type: the column's PostgreSQL type.
    /// - Returns: nil when the value is not valid for this type.
    /// - Throws: `PostgresDecodingMismatch` when the column's type cannot become this type.
    init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch)
}

/// Thrown by a decoder when the column's type cannot become the Swift type at all.
public struct PostgresDecodingMismatch: Error, Sendable {
    public init() {}
}

extension String: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        // Text-like columns and the common scalar types render exactly as text.
        guard type.isTextual || type.isInteger || [PostgresDataType.numeric, .date, .timestamptz, .timestamp,
                                                   .uuid, .bool, .json, .jsonb, .interval].contains(type)
        else { throw PostgresDecodingMismatch() }
        self = text
    }
}

extension Int: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type.isInteger else { throw PostgresDecodingMismatch() }
        guard let value = Int(text) else { return nil }
        self = value
    }
}

extension Int64: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type.isInteger else { throw PostgresDecodingMismatch() }
        guard let value = Int64(text) else { return nil }
        self = value
    }
}

extension Int32: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type.isInteger else { throw PostgresDecodingMismatch() }
        guard let value = Int32(text) else { return nil }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .bool else { throw PostgresDecodingMismatch() }
        switch text {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension Double: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .float8 || type == .float4 || type == .numeric || type.isInteger
        else { throw PostgresDecodingMismatch() }
        guard let value = Double(text) else { return nil }
        self = value
    }
}

extension Decimal: PostgresDecodable {
    /// Decodes `numeric` (and integers) exactly. Values with more significant digits than
    /// `Decimal` holds (38) are rejected rather than rounded, so money never loses a cent.
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .numeric || type.isInteger else { throw PostgresDecodingMismatch() }
        let significant = text.drop { $0 == "-" || $0 == "0" || $0 == "." }
            .filter { $0 != "." }
        var digits = Substring(significant)
        if text.contains(".") {
            while digits.last == "0" { digits.removeLast() }
        }
        guard digits.count <= 38, text != "NaN",
              let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .timestamptz else { throw PostgresDecodingMismatch() }
        guard let value = TimestampFormat.date(text) else { return nil }
        self = value
    }
}

extension LocalDate: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .date else { throw PostgresDecodingMismatch() }
        self.init(text)
    }
}

extension UUID: PostgresDecodable {
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .uuid else { throw PostgresDecodingMismatch() }
        self.init(uuidString: text)
    }
}
