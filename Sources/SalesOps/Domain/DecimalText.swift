import Foundation

/// Exact decimals written by people (target values, amounts, probabilities): an optional minus,
/// digits, and optionally a point and more digits — nothing else, so `1-2` or `--5` is refused
/// instead of read as the number it starts with.
public enum DecimalText {
    /// The value of `text` (surrounding spaces allowed), or nil when it is not exactly one such number.
    public static func parse(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }
}
