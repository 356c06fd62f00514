import Foundation
import PostgresClient

/// What to explain: a metric of a period and scope, and for stage metrics the stage, for
/// breakdowns the dimension and key (SPEC §9, Explain).
public struct ExplainRequest: Sendable, Equatable {
    public var period: String
    public var scope: TargetScope
    public var metric: String
    /// `PIPELINE/STAGE`, for `stage_entries`, `stage_avg_days` and `stage_conversion_rate`.
    public var stage: String?
    /// A breakdown dimension (`region`, `product`, `source`, `deal_type`, `lead_source`,
    /// `lifecycle_stage`) and its key (`(none)` for a missing value).
    public var dimension: String?
    public var key: String?
    /// Records per side, 1 ... `ExplainRequest.maximumLimit`.
    public var limit: Int
    /// Records of each side to skip, 0 ... `ExplainRequest.maximumOffset`.
    public var offset: Int

    /// The most records one side returns per page.
    public static let maximumLimit = 1000
    /// The deepest page: a page costs a sort of `offset + limit` records, so the depth is
    /// bounded instead of growing with the offset (a narrower period or scope shows the rest).
    public static let maximumOffset = 10_000

    public init(period: String, scope: TargetScope, metric: String, stage: String? = nil, dimension: String? = nil,
                key: String? = nil, limit: Int = 50, offset: Int = 0) {
        self.period = period
        self.scope = scope
        self.metric = metric
        self.stage = stage
        self.dimension = dimension
        self.key = key
        self.limit = limit
        self.offset = offset
    }
}

/// The records behind a number, recomputed from the raw tables by the metric's definition.
public struct Explanation: Sendable, Codable {
    public var metric: String
    /// `count`, `sum`, `snapshot`, `ratio`, `average` or `derived`.
    public var aggregation: String
    /// The definition the records follow (SPEC §5.2).
    public var definition: String
    public var period: ShownPeriod
    /// e = min(period end, as-of): the last local day counted, the day snapshots look at.
    public var stop: LocalDate
    public var scope: String
    public var stage: String?
    public var dimension: String?
    public var key: String?
    /// Recomputed from the sides' totals (and for derived metrics from the inputs' values).
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
    /// What the last materialization stored for the same number (nil fields: no row).
    public var materialized: StoredNumber
    /// The record sets, each with its total.
    public var sides: [ExplainSide]
    /// Numbers this one is computed from, each explained on its own.
    public var inputs: [ExplainInput]
}

/// A stored fact's columns.
public struct StoredNumber: Sendable, Codable, Equatable {
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
}

/// One set of records and the total the definition takes over them.
public struct ExplainSide: Sendable, Codable {
    /// `numerator`, `denominator`, or what a count, sum or derived metric adds up.
    public var name: String
    public var description: String
    /// `deal`, `lead`, `account`, `activity`, `prospect`, `response`, `rep`, `spend`,
    /// `stage_stay` or `rep_target`.
    public var recordKind: String
    /// `count` (each record weighs 1) or `sum` (of the records' `weight` column).
    public var totalKind: String
    /// The sum of every record's weight (not only this page's).
    public var total: Decimal
    public var recordCount: Int
    public var columns: [String]
    /// Each column's PostgreSQL type (`bool`, `numeric`, `date`, `timestamptz`, `text`, ...).
    public var columnTypes: [String]
    /// This page of records, values as text in `columns` order (nil for null).
    public var records: [[String?]]
    public var offset: Int
    public var limit: Int
}

/// A number a derived metric is computed from, with what to ask to explain it.
public struct ExplainInput: Sendable, Codable, Equatable {
    public var metric: String
    public var period: String
    public var scope: String
    public var value: Decimal?
}

extension Explanation {
    /// Whether the recomputed number is the stored one: numerator and denominator equal,
    /// the value equal (to 12 significant digits for quotients); with no stored row, the
    /// recomputed parts are all 0 or null (facts are sparse).
    public var agreesWithMaterialized: Bool {
        let stored = self.materialized
        if stored.value == nil && stored.numerator == nil && stored.denominator == nil {
            return [self.value, self.numerator, self.denominator].allSatisfy { $0 == nil || $0 == 0 }
        }
        guard self.numerator == stored.numerator, self.denominator == stored.denominator else { return false }
        return Self.sameValue(self.value, stored.value, exactly: ["count", "sum", "snapshot"].contains(self.aggregation))
    }

    /// Whether two values are the same number: equal, or, unless `exactly`, equal to 12
    /// significant digits (quotients computed in different orders); nil only equals nil.
    public static func sameValue(_ a: Decimal?, _ b: Decimal?, exactly: Bool) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if exactly || a == b { return a == b }
        return abs(a - b) / max(abs(a), abs(b), 1) < Decimal(string: "1e-12")!
    }
}
