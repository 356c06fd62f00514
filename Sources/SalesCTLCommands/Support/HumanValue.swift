import Foundation
import SalesOps

/// Numbers in a table for people, rounded by what they measure: money to cents with the org's
/// currency, rates to one decimal with `%`, days and minutes to one decimal, ratios to two,
/// counts whole. `--json` and `--csv` print every digit instead.
struct HumanValue {
    /// ISO 4217 code of the org's currency.
    var currency: String

    /// A metric's value (or target) in its unit; nil for none.
    func value(_ value: Decimal?, unit: MetricUnit) -> String? {
        guard let value else { return nil }
        switch unit {
        case .money: return ReadableNumber.grouped(value, decimals: 2) + " " + self.currency
        case .percent: return Self.percent(value)
        case .days: return ReadableNumber.grouped(value, decimals: 1) + " days"
        case .minutes: return ReadableNumber.grouped(value, decimals: 1) + " min"
        case .ratio: return ReadableNumber.grouped(value, decimals: 2)
        case .count: return ReadableNumber.quantity(value)
        }
    }

    /// A rate of 100: one decimal and `%`.
    static func percent(_ value: Decimal?) -> String? {
        value.map { ReadableNumber.grouped($0, decimals: 1) + "%" }
    }

    /// A numerator, denominator or side total: whole, or two decimals.
    static func quantity(_ value: Decimal?) -> String? {
        value.map { ReadableNumber.quantity($0) }
    }

    /// A boolean as people say it.
    static func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
}
