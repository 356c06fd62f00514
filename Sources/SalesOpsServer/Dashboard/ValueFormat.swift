import Foundation

/// Numbers as managers read them: the org's currency with thousands separators for money,
/// `%` on rates, days on durations, counts grouped by thousands.
struct ValueFormat: Sendable {
    /// ISO 4217 code of the org's currency.
    var currency: String

    /// How a metric's values read.
    enum Unit: Sendable {
        case money, percent, days, minutes, count, ratio
    }

    static let moneyMetrics: Set<String> = [
        "revenue", "average_deal_size", "average_contract_value", "expansion_revenue", "open_pipeline_amount",
        "weighted_pipeline_amount", "pipeline_velocity", "average_revenue_per_account", "customer_lifetime_value",
        "marketing_spend", "sales_spend", "customer_acquisition_cost", "cost_per_lead",
    ]
    static let dayMetrics: Set<String> = ["sales_cycle_days", "stage_avg_days", "average_tenure_days", "ramp_up_days"]
    static let ratioMetrics: Set<String> = ["win_loss_ratio", "touches_per_won_deal", "clv_to_cac"]

    static func unit(of metric: String) -> Unit {
        if self.moneyMetrics.contains(metric) { return .money }
        if self.dayMetrics.contains(metric) { return .days }
        if metric == "avg_response_minutes" { return .minutes }
        if self.ratioMetrics.contains(metric) { return .ratio }
        if metric.hasSuffix("_rate") || metric.hasSuffix("_share") || ["nps", "csat", "enps", "romi"].contains(metric) { return .percent }
        return .count
    }

    static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$"]

    /// A metric's value for people; "–" for none.
    func format(_ value: Decimal?, metric: String) -> String {
        guard let value else { return "–" }
        switch Self.unit(of: metric) {
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
        var source = value, rounded = Decimal()
        NSDecimalRound(&rounded, &source, 0, .plain)
        return rounded == value
    }

    /// `value` rounded to `decimals` places with `,` between thousands.
    static func grouped(_ value: Decimal, decimals: Int) -> String {
        var source = value, rounded = Decimal()
        NSDecimalRound(&rounded, &source, decimals, .plain)
        let negative = rounded < 0
        let text = "\(abs(rounded))"
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < decimals { fraction += "0" }
        var groups: [String] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.insert(String(integer[start..<end]), at: 0)
            end = start
        }
        return (negative ? "−" : "") + groups.joined(separator: ",") + (decimals > 0 ? "." + fraction : "")
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
