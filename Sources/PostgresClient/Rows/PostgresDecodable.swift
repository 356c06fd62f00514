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
    /// Decodes `numeric` (and integers) exactly when it fits `Decimal`'s 38 significant digits.
    /// A longer value (a quotient such as 1/3 computed by the database) is rounded half away
    /// from zero at the 38th significant digit when at least two of those are decimals; one
    /// whose integer part needs more than 36 digits is rejected rather than rounded, so money
    /// never loses a cent.
    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .numeric || type.isInteger else { throw PostgresDecodingMismatch() }
        if let value = Self.parseShort(text) {
            self = value
            return
        }
        guard text != "NaN", !text.contains("Infinity") else { return nil }
        let significant = text.drop { $0 == "-" || $0 == "0" || $0 == "." }
            .filter { $0 != "." }
        var digits = Substring(significant)
        if text.contains(".") {
            while digits.last == "0" { digits.removeLast() }
        }
        let posix = Locale(identifier: "en_US_POSIX")
        if digits.count <= 38 {
            guard let value = Decimal(string: text, locale: posix) else { return nil }
            self = value
            return
        }
        guard let value = Self.roundedToCapacity(text, locale: posix) else { return nil }
        self = value
    }

    /// The value of a plain decimal (`-?digits[.digits]`) of at most 19 significant digits,
    /// built from its integer mantissa and exponent without `Decimal(string:)`'s general
    /// parser (KPI reads decode hundreds per request); nil for anything else.
    static func parseShort(_ text: String) -> Decimal? {
        var mantissa: UInt64 = 0
        var significant = 0, fractionDigits = 0, allDigits = 0
        var negative = false, seenPoint = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0:
                negative = true
            case UInt8(ascii: ".") where !seenPoint:
                seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                allDigits += 1
                if seenPoint { fractionDigits += 1 }
                if significant == 0 && byte == UInt8(ascii: "0") { continue }
                guard significant < 19 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                significant += 1
            default:
                return nil
            }
        }
        guard allDigits > 0, fractionDigits <= 127 else { return nil }
        var value = Decimal(mantissa)
        if fractionDigits > 0 {
            value = Decimal(sign: .plus, exponent: -fractionDigits, significand: value)
        }
        return negative && mantissa != 0 ? -value : value
    }

    /// `text` rounded half away from zero to 38 significant digits, or nil when fewer than
    /// two decimals would remain.
    static func roundedToCapacity(_ text: String, locale: Locale) -> Decimal? {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0].drop { $0 == "0" }
        let fraction = parts.count > 1 ? parts[1] : ""
        let kept = integer.isEmpty ? fraction.prefix { $0 == "0" }.count + 38 : 38 - integer.count
        guard kept >= 2, fraction.count > kept else { return nil }
        let truncated = (negative ? "-" : "") + (integer.isEmpty ? "0" : String(integer)) + "." + fraction.prefix(kept)
        guard var value = Decimal(string: truncated, locale: locale) else { return nil }
        let next = fraction[fraction.index(fraction.startIndex, offsetBy: kept)]
        if next >= "5" {
            let unit = Decimal(sign: negative ? .minus : .plus, exponent: -kept, significand: 1)
            value += unit
        }
        return value
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
