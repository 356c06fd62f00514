import Foundation
import SalesOps

/// Numbers as managers read them: the org's currency with thousands separators for money,
/// `%` on rates, days on durations, counts grouped by thousands.
struct ValueFormat: Sendable {
    /// ISO 4217 code of the org's currency.
    var currency: String

    static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$"]

    /// A metric's value for people; "–" for none.
    func format(_ value: Decimal?, metric: String) -> String {
        guard let value else { return "–" }
        switch MetricCatalogue.standard.unit(of: metric) {
        case .money: return self.money(value)
        case .percent: return Self.grouped(value, decimals: 1) + " %"
        case .days: return Self.grouped(value, decimals: 1) + " days"
        case .minutes: return Self.grouped(value, decimals: 0) + " min"
        case .ratio: return Self.grouped(value, decimals: 2)
        case .count: return Self.grouped(value, decimals: Self.isWhole(value) ? 0 : 2)
        }
    }

    /// An amount in the org's currency, whole units.
    func money(_ value: Decimal) -> String {
        let symbol = Self.symbols[self.currency] ?? (self.currency + " ")
        let sign = value < 0 ? "−" : ""
        return sign + symbol + Self.grouped(abs(value), decimals: 0)
    }

    static func isWhole(_ value: Decimal) -> Bool {
        ReadableNumber.isWhole(value)
    }

    /// `value` rounded to `decimals` places with `,` between thousands.
    static func grouped(_ value: Decimal, decimals: Int) -> String {
        ReadableNumber.grouped(value, decimals: decimals, minus: "−")
    }

    /// A number with one decimal and `%` when `percent`, or "–".
    static func grouped(_ value: Decimal?, percent: Bool) -> String {
        value.map { self.grouped($0, decimals: 1) + (percent ? " %" : "") } ?? "–"
    }

    /// A metric's name for people: `win_rate` → "Win rate".
    static func title(_ metric: String) -> String {
        let words = metric.split(separator: "_").map(String.init)
        let special = ["nps": "NPS", "csat": "CSAT", "enps": "eNPS", "romi": "ROMI", "mqls": "MQLs", "sqls": "SQLs", "clv": "CLV",
                       "cac": "CAC", "mql": "MQL", "sql": "SQL"]
        let mapped = words.enumerated().map { index, word in special[word] ?? (index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word) }
        return mapped.joined(separator: " ")
    }
}
