import Foundation
import PostgresClient

/// One column of an import format: its CSV name, whether it is required, and the type its
/// values must have. Values are checked while streaming and written in canonical form.
struct ImportColumn: Sendable {
    enum ValueType: Sendable {
        /// Any UTF-8 text.
        case text
        /// RFC 3339 with an offset or `Z`.
        case timestamp
        /// `YYYY-MM-DD`.
        case date
        /// `YYYY-MM`; stored as the month's first day.
        case month
        /// A decimal number with at most `fractionDigits` digits after the point (more
        /// would be rounded by the column); `nonNegative` refuses values below zero.
        case decimal(nonNegative: Bool, fractionDigits: Int)
        /// A whole number within the range.
        case integer(ClosedRange<Int>)
        /// One of a closed set of spellings.
        case vocabulary([String])

        /// The staging table's column type.
        var sqlType: String {
            switch self {
            case .text, .vocabulary: "text"
            case .timestamp: "timestamptz"
            case .date, .month: "date"
            case .decimal: "numeric"
            case .integer: "bigint"
            }
        }
    }

    var name: String
    var required: Bool
    var type: ValueType
    /// The longest text value, in characters (`TextLimits`).
    let maximumLength: Int

    init(name: String, required: Bool, type: ValueType) {
        self.name = name
        self.required = required
        self.type = type
        self.maximumLength = TextLimits.maximumLength(ofColumn: name)
    }

    static func required(_ name: String, _ type: ValueType = .text) -> ImportColumn {
        ImportColumn(name: name, required: true, type: type)
    }

    static func optional(_ name: String, _ type: ValueType = .text) -> ImportColumn {
        ImportColumn(name: name, required: false, type: type)
    }

    static func vocabulary<V: Vocabulary>(_ name: String, _ vocabulary: V.Type, required: Bool = false) -> ImportColumn {
        ImportColumn(name: name, required: required, type: .vocabulary(V.allCases.map(\.rawValue)))
    }

    /// Checks a value and returns its canonical text for COPY, or a message saying what is wrong.
    func canonical(_ value: String) -> Result<String, ImportProblem.Reason> {
        switch self.type {
        case .text:
            if value.utf8.contains(0) { return .failure("contains a NUL character") }
            let limit = self.maximumLength
            // No more bytes than the limit means no more characters; only longer values are counted.
            if value.utf8.count > limit, value.count > limit { return .failure("longer than \(limit) characters (it has \(value.count))") }
            return .success(value)
        case .timestamp:
            guard TimestampFormat.epochMicroseconds(value, strictRFC3339: true) != nil else {
                return .failure("not an RFC 3339 timestamp with an offset (e.g. 2026-11-05T09:30:00Z or 2026-11-05T09:30:00+01:00)")
            }
            return .success(value)
        case .date:
            guard let date = LocalDate(value) else { return .failure("not a date of the form YYYY-MM-DD") }
            return .success(date.description)
        case .month:
            guard value.utf8.count == 7, let date = LocalDate(value + "-01") else {
                return .failure("not a month of the form YYYY-MM")
            }
            return .success(date.description)
        case .decimal(let nonNegative, let fractionDigits):
            guard Self.isDecimal(value, fractionDigits: fractionDigits) else {
                return .failure("not a decimal number with at most \(fractionDigits) digits after the point (e.g. 1250.50)")
            }
            if nonNegative, value.hasPrefix("-"), value.contains(where: { $0 >= "1" && $0 <= "9" }) {
                return .failure("must not be negative")
            }
            return .success(value)
        case .integer(let range):
            guard let number = Int(value) else { return .failure("not a whole number") }
            guard range.contains(number) else {
                return .failure("must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return .success(String(number))
        case .vocabulary(let spellings):
            guard spellings.contains(value) else { return .failure("must be one of: \(spellings.joined(separator: ", "))") }
            return .success(value)
        }
    }

    /// `-?digits[.digits]` with at most 16 digits before the point.
    /// Whether `value` is a plain decimal with at most 16 digits before the point and
    /// `fractionDigits` after it (the widest number the product stores and reads back).
    static func isDecimal(_ value: String, fractionDigits: Int) -> Bool {
        var bytes = Substring(value).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 16,
              whole.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= fractionDigits, fraction.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        }
        return true
    }
}
