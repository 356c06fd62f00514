import Foundation

/// A `numeric` value as the text `Decimal`'s `description` prints for it — the form the
/// product's JSON writes numbers in — made straight from PostgreSQL's text for short values
/// (no `Decimal` parsed, none printed) and through `Decimal` for the rest.
public struct NumericText: Sendable, Equatable, PostgresDecodable, CustomStringConvertible {
    /// The number as `Decimal(postgresText:)?.description` prints it.
    public let text: String

    public var description: String { self.text }

    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type == .numeric || type.isInteger else { throw PostgresDecodingMismatch() }
        if let short = Self.canonicalShort(text) {
            self.text = short
            return
        }
        guard let value = try Decimal(postgresText: text, type: type) else { return nil }
        self.text = value.description
    }

    /// A plain decimal of at most 19 significant digits (exact in `Decimal`) without its sign
    /// when zero, its leading zeros and its fraction's trailing zeros; nil for anything else.
    static func canonicalShort(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var whole: ArraySlice<UInt8> = []
        var fraction: ArraySlice<UInt8> = []
        var point: Int?
        for position in index..<bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "."), point == nil {
                point = position
            } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                return nil
            }
        }
        if let point {
            whole = bytes[index..<point]
            fraction = bytes[(point + 1)...]
        } else {
            whole = bytes[index...]
        }
        guard !whole.isEmpty || !fraction.isEmpty, fraction.count <= 100 else { return nil }
        while whole.first == UInt8(ascii: "0") { whole = whole.dropFirst() }
        while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
        var significant = whole.count + fraction.count
        if whole.isEmpty { significant -= fraction.prefix { $0 == UInt8(ascii: "0") }.count }
        guard significant <= 19 else { return nil }
        if significant == 0 { return "0" }
        var result: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        result.append(contentsOf: whole.isEmpty ? [UInt8(ascii: "0")] : Array(whole))
        if !fraction.isEmpty {
            result.append(UInt8(ascii: "."))
            result.append(contentsOf: fraction)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
