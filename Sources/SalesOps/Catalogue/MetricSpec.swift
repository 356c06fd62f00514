import Foundation
import PostgresClient

/// One set of records a metric adds up, as a query over the raw tables.
struct SideDefinition: Sendable {
    var name: String
    var description: String
    var recordKind: String
    /// `count` when every record weighs 1, `sum` when the records' weights are quantities.
    var totalKind: String
    /// The columns a page is ordered by (ties broken by every column).
    var order: String
    var query: @Sendable (ExplainContext) -> Query
}

/// A number a derived metric takes from another metric of the same scope.
struct InputDefinition: Sendable {
    var metric: String
    /// Whether the input is of the previous period of the same kind (revenue growth's Q).
    var previousPeriod: Bool = false
}

/// Side totals and input values by name, as a metric's formula reads them.
struct ExplainTotals: Sendable {
    var sides: [String: Decimal]
    var inputs: [String: Decimal?]

    subscript(side: String) -> Decimal { self.sides[side] ?? 0 }

    func input(_ metric: String) -> Decimal? { self.inputs[metric] ?? nil }
}

/// Everything the product says about one metric, declared once: its name and the family that
/// computes it, how it aggregates and which way is better (checked against `salesops.metrics`),
/// the unit people read it in, its grain (the scopes and period kinds it has rows for), its
/// definition, and how it is explained — the record sets it adds up, the numbers it takes from
/// other metrics, and the formula that turns their totals into value, numerator and
/// denominator (SPEC §5.2). The family's metric list, the materialized metric order, explain,
/// the units of every output and the dashboard's cards all read these declarations
/// (`MetricCatalogue`).
public struct MetricSpec: Sendable {
    public var metric: String
    /// The name of the `MetricFamily` whose statement writes the metric.
    var family: String
    public var aggregation: MetricAggregation
    public var unit: MetricUnit
    /// Attainment is target / actual for these (less is better).
    public var lowerIsBetter: Bool = false
    /// The metric's place among the dashboard overview's cards (1 first); nil for no card.
    public var overviewCard: Int? = nil
    public var definition: String
    var target: MetricFamily.Target = .metrics
    /// The scope kinds the metric has rows for.
    public var scopes: Set<String> = ["org", "team", "rep"]
    /// The period kinds the metric has rows for.
    public var periodKinds: Set<String> = ["day", "week", "month", "quarter", "year"]
    /// The breakdown dimensions it is explained by (breakdown definitions only).
    var dimensions: [String: String] = [:]
    /// The breakdown dimensions it is kept by, sorted (breakdown definitions only).
    public var dimensionNames: [String] { self.dimensions.keys.sorted() }
    /// The metric family whose statement computes it.
    public var familyName: String { self.family }
    var sides: [SideDefinition]
    var inputs: [InputDefinition] = []
    var compute: @Sendable (ExplainTotals) -> StoredNumber

    /// Value = the total of one side (counts, sums, snapshots).
    static func total(_ side: String) -> @Sendable (ExplainTotals) -> StoredNumber {
        { StoredNumber(value: $0[side], numerator: nil, denominator: nil) }
    }

    /// Value = numerator / denominator (× 100 for percentages); null when the denominator is 0.
    static func ratio(_ numerator: String, _ denominator: String, percent: Bool) -> @Sendable (ExplainTotals) -> StoredNumber {
        { totals in
            let top = totals[numerator], bottom = totals[denominator]
            return StoredNumber(value: divide(top * (percent ? 100 : 1), bottom), numerator: top, denominator: bottom)
        }
    }
}

/// a / b, or nil when b is nil or 0.
func divide(_ a: Decimal?, _ b: Decimal?) -> Decimal? {
    guard let a, let b, b != 0 else { return nil }
    return a / b
}

/// How a metric's values combine (the `aggregation` column of `salesops.metrics`).
public enum MetricAggregation: String, Sendable, Codable, CaseIterable {
    /// Additive over the days of a period.
    case count, sum
    /// A state at the period's end.
    case snapshot
    /// A numerator over a denominator.
    case ratio
    /// A sum over a count.
    case average
    /// Computed from other metrics, without numerator or denominator.
    case derived

}

/// The unit people read a metric's values in.
public enum MetricUnit: String, Sendable, Codable, CaseIterable {
    case money, percent, days, minutes, count, ratio
}
