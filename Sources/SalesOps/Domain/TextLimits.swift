import Foundation

/// The length limit and trim rule of every free-text value a tenant supplies (SPEC §3
/// leaves them open; these are the product's): leading and trailing white space is removed,
/// a value left blank counts as missing, and the rest may be at most this many characters.
/// `sql/020_text_limits.sql` enforces the same numbers in the database (a test compares them).
public enum TextLimits {
    /// External ids (`external_id`, and references such as `owner_rep_external_id`).
    public static let externalID = 200
    /// Names of teams, reps, pipelines, stages, accounts, leads and deals.
    public static let name = 200
    /// E-mail addresses (RFC 5321's limit).
    public static let email = 320
    /// Every other text: regions, sources, products, channels, metric names, periods.
    public static let other = 100

    /// The limit of a column, by its name as the CSV formats and the schema spell it.
    public static func maximumLength(ofColumn column: String) -> Int {
        if column == "external_id" || column.hasSuffix("_external_id") { return self.externalID }
        if column == "email" { return self.email }
        if column == "name" || column == "pipeline" || column == "stage" || column.hasSuffix("_stage") { return self.name }
        return self.other
    }

    /// The value as stored: without leading and trailing white space (Unicode's White_Space —
    /// spaces, tabs, line breaks, no-break and ideographic spaces — and the zero-width space:
    /// exactly the set Foundation's `whitespacesAndNewlines` trims here); nil when nothing is
    /// left. A value with nothing to trim comes back as it is, without a copy: imports call
    /// this for every field.
    public static func trimmed(_ value: String) -> String? {
        let scalars = value.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return nil }
        if !Self.isTrimmed(first) && !Self.isTrimmed(last) { return value }
        guard let start = scalars.firstIndex(where: { !Self.isTrimmed($0) }),
              let end = scalars.lastIndex(where: { !Self.isTrimmed($0) }) else { return nil }
        return String(scalars[start...end])
    }

    /// Whether trimming removes the scalar.
    static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace || scalar == "\u{200B}"
    }

    /// Checks a trimmed value against its column's limit.
    /// - Throws: `SalesOpsError.invalidInput` naming the column and the limit.
    public static func check(_ value: String, column: String) throws {
        let limit = self.maximumLength(ofColumn: column)
        guard value.count <= limit else {
            throw SalesOpsError.invalidInput("\(column) must be at most \(limit) characters (it has \(value.count))")
        }
    }
}
