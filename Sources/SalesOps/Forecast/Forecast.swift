import Foundation
import PostgresClient

/// Where a period's revenue will land for one scope, as of a local day inside it (SPEC §10),
/// with its parts.
public struct Forecast: Sendable, Equatable, Codable {
    public var period: ForecastPeriod
    public var scope: String
    /// The last local day whose events the forecast knows.
    public var asOf: LocalDate
    /// Won to date + the open pipeline's expected wins + the expected wins of deals not yet created.
    public var value: Decimal
    /// P10 and P90 from the model's own backtest residuals; nil with too little history.
    public var low: Decimal?
    public var high: Decimal?
    /// How the interval was made, or why there is none.
    public var intervalNote: String
    public var wonToDate: WonToDate
    public var openPipeline: [OpenStagePart]
    public var notYetCreated: NotYetCreated
    /// The revenue target of the period and scope, if one is set, and the forecast against it (%).
    public var target: Decimal?
    public var attainmentPct: Decimal?
    /// The latest calls of the scope for the period submitted by the end of `asOf`.
    public var calls: [ForecastCall]
    /// The two baselines the backtest compares the model with.
    public var baselines: Baselines
    /// What the forecast cannot know.
    public var notes: [String]

    public struct WonToDate: Sendable, Equatable, Codable {
        public var deals: Int
        public var amount: Decimal
    }

    /// The deals open at the end of `asOf` in one stage, and what they are expected to bring.
    public struct OpenStagePart: Sendable, Equatable, Codable {
        public var pipeline: String
        public var stage: String
        public var deals: Int
        public var amount: Decimal
        /// Expected wins within the rest of the period ÷ amount (the deals' ages weigh in).
        public var winProbability: Decimal
        public var expected: Decimal
        /// Deals seen open in this stage at the past days the probability was learned from.
        public var observations: Int
    }

    public struct NotYetCreated: Sendable, Equatable, Codable {
        /// Expected revenue of deals created after `asOf` and won within the period.
        public var expected: Decimal
        /// Days of history the rate was learned from (at most 365).
        public var historyDays: Int
    }

    public struct Baselines: Sendable, Equatable, Codable {
        /// Won to date × the period's days ÷ the days elapsed.
        public var runRate: Decimal
        /// Won to date + the open pipeline weighted by each stage's configured probability.
        public var weightedPipeline: Decimal
    }
}

/// The period a forecast is for.
public struct ForecastPeriod: Sendable, Equatable, Codable {
    public var label: String
    public var kind: String
    public var start: LocalDate
    public var end: LocalDate

    /// Days in the period.
    public var days: Int { self.start.days(to: self.end) + 1 }
}

/// One submitted call (SPEC §10).
public struct ForecastCall: Sendable, Equatable, Codable {
    public var scope: String
    public var category: ForecastCategory
    public var amount: Decimal
    public var submittedAt: Date
}
