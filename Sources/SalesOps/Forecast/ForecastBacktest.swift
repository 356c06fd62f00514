import Foundation
import PostgresClient

/// The forecast of every closed period in a range, made as far into each period as
/// `atFraction`, against what the period ended at — for the model and its baselines
/// (SPEC §10) — and how each rep's commit calls compared with what the rep then won.
public struct ForecastBacktest: Sendable, Equatable, Codable {
    public var scope: String
    public var periodKind: String
    public var atFraction: Decimal
    public var periods: [Period]
    public var summary: [MethodSummary]
    public var repCalls: [RepCallAccuracy]

    public struct Period: Sendable, Equatable, Codable {
        public var label: String
        public var asOf: LocalDate
        public var actual: Decimal
        public var model: Decimal
        /// The model's P10/P90, from the residuals of the periods before it in this backtest.
        public var low: Decimal?
        public var high: Decimal?
        public var runRate: Decimal
        public var weightedPipeline: Decimal
        /// The scope's commit calls known at the as-of point (see `ForecastCalls`), if any.
        public var commit: Decimal?
    }

    /// One method's errors over the periods it made a number for.
    public struct MethodSummary: Sendable, Equatable, Codable {
        public var method: String
        public var periods: Int
        /// Mean of |forecast − actual| ÷ actual over periods with revenue, in %.
        public var mapePct: Decimal?
        /// (Σ forecast − Σ actual) ÷ Σ actual, in %: positive over-forecasts.
        public var biasPct: Decimal?
        /// Share of periods whose actual fell inside [P10, P90], over periods with an interval (the model only).
        public var coveragePct: Decimal?
    }

    /// A rep's commit calls against the rep's revenue over the backtested periods.
    public struct RepCallAccuracy: Sendable, Equatable, Codable {
        public var rep: String
        public var periods: Int
        public var called: Decimal
        public var won: Decimal
        /// Σ calls ÷ Σ won, in %.
        public var callVsWonPct: Decimal?
        /// `sandbags` (calls under 90 % of what is won), `over-calls` (over 110 %) or `calls close`.
        public var verdict: String
    }
}

extension ForecastEngine {
    /// Longest range a backtest takes, in periods.
    public static let backtestLimit = 60
    /// Periods forecast in one statement.
    static let backtestBatch = 12

    /// Backtests the closed periods of `kind` from the one labelled `from` to the one labelled
    /// `to` (default: the last 12 closed months or 8 closed quarters before today).
    /// - Throws: `.invalidInput` for bad labels, a range of another kind, not closed, or too long.
    public func backtest(kind: String, from: String?, to: String?, atFraction: Decimal, scope: TargetScope,
                         now: Date = Date()) throws -> ForecastBacktest {
        guard ["week", "month", "quarter", "year"].contains(kind) else {
            throw SalesOpsError.invalidInput("period kind \(kind) is not week, month, quarter or year")
        }
        guard atFraction > 0, atFraction <= 1 else {
            throw SalesOpsError.invalidInput("at-fraction \(atFraction) must be greater than 0 and at most 1")
        }
        let org = try TenantOrgRecords(session: self.session).org()
        let yesterday = try self.yesterday(org: org, now: now)
        let label = { (start: LocalDate) in PeriodLabel.of(kind: kind, start: start, fiscalYearStartMonth: org.fiscalYearStartMonth) }
        let lastClosed = PeriodLabel.previousStart(kind: kind, start: PeriodLabel.start(of: kind, containing: yesterday.adding(days: 1),
                                                                                        fiscalYearStartMonth: org.fiscalYearStartMonth))
        let last = try to.map { try self.period(ofKind: kind, $0) } ?? (try self.period(label(lastClosed)))
        var first = try from.map { try self.period(ofKind: kind, $0) }
        if first == nil {
            var start = last.start
            for _ in 1..<(kind == "quarter" ? 8 : 12) { start = PeriodLabel.previousStart(kind: kind, start: start) }
            first = try self.period(label(start))
        }
        guard let first, first.start <= last.start else {
            throw SalesOpsError.invalidInput("the backtest range \(first?.label ?? "") .. \(last.label) is empty: --from must not come after --to")
        }
        guard last.end <= yesterday else {
            throw SalesOpsError.invalidInput("period \(last.label) has not ended (its last day is \(last.end)): a backtest needs closed periods")
        }
        var periods: [ForecastPeriod] = []
        var start = first.start
        while start <= last.start {
            guard periods.count < Self.backtestLimit else {
                throw SalesOpsError.invalidInput("the backtest range \(first.label) .. \(last.label) is longer than \(Self.backtestLimit) \(kind)s")
            }
            periods.append(try self.period(label(start)))
            start = PeriodLabel.nextStart(kind: kind, start: start)
        }
        let reps = try self.reps(of: scope)
        let model = ForecastModel(session: self.session)
        let calls = ForecastCalls(session: self.session)
        var rows: [ForecastBacktest.Period] = []
        var repTotals: [Int64: (periods: Int, called: Decimal, won: Decimal)] = [:]
        var ratios: [(end: LocalDate, ratio: Decimal)] = []
        // Batches of a bounded number of periods: one statement each, every one closed by the horizon.
        for chunk in stride(from: 0, to: periods.count, by: Self.backtestBatch).map({ periods[$0..<min($0 + Self.backtestBatch, periods.count)] }) {
            let cases = chunk.map { ForecastModel.Case(period: $0, asOf: Self.day(at: atFraction, of: $0)) }
            let batch = try model.run(cases, scopes: [reps], horizon: chunk.last!.end, timeZone: org.timezone)
            for (index, forecastCase) in cases.enumerated() {
                let (period, day, parts) = (forecastCase.period, forecastCase.asOf, batch.parts[index][0])
                guard let actualByRep = batch.actuals[index] else { preconditionFailure("a closed period has no actual") }
                let actual = actualByRep.total(of: reps)
                let value = parts.value
                let earlier = ratios.filter { $0.end < day }.map(\.ratio)
                let (low, high) = Self.interval(of: parts, ratios: earlier).map { ($0.low, $0.high) } ?? (nil, nil)
                let commits = try calls.repCommits(period: period.label, knownBy: try self.endOf(day, org: org))
                let scoped = commits.filter { reps?.contains($0.key) ?? true }
                rows.append(.init(label: period.label, asOf: day, actual: actual, model: value, low: low, high: high,
                                  runRate: ForecastModel.rounded(parts.won.amount * Decimal(period.days) / Decimal(period.start.days(to: day) + 1), 2),
                                  weightedPipeline: parts.won.amount + parts.configuredOpen,
                                  commit: scoped.isEmpty ? nil : scoped.values.reduce(0, +)))
                for (rep, called) in scoped {
                    let won = actualByRep.amounts[rep] ?? 0
                    repTotals[rep, default: (0, 0, 0)].periods += 1
                    repTotals[rep]!.called += called
                    repTotals[rep]!.won += won
                }
                if value > 0 { ratios.append((period.end, actual / value)) }
            }
        }
        return ForecastBacktest(
            scope: scope.label, periodKind: kind, atFraction: atFraction, periods: rows,
            summary: [
                Self.summary("model", rows.map { ($0.model, $0.actual) }, intervals: rows.map { ($0.low, $0.high, $0.actual) }),
                Self.summary("run_rate", rows.map { ($0.runRate, $0.actual) }),
                Self.summary("weighted_pipeline", rows.map { ($0.weightedPipeline, $0.actual) }),
                Self.summary("commit_calls", rows.compactMap { row in row.commit.map { ($0, row.actual) } }),
            ],
            repCalls: try self.repCallAccuracy(repTotals))
    }

    func period(ofKind kind: String, _ label: String) throws -> ForecastPeriod {
        let period = try self.period(label)
        guard period.kind == kind else {
            throw SalesOpsError.invalidInput("period \(label) is a \(period.kind), not a \(kind)")
        }
        return period
    }

    static func summary(_ method: String, _ pairs: [(forecast: Decimal, actual: Decimal)],
                        intervals: [(Decimal?, Decimal?, Decimal)] = []) -> ForecastBacktest.MethodSummary {
        let withRevenue = pairs.filter { $0.actual > 0 }
        let errors = withRevenue.map { abs($0.forecast - $0.actual) / $0.actual }
        let actualTotal = pairs.reduce(Decimal(0)) { $0 + $1.actual }
        let forecastTotal = pairs.reduce(Decimal(0)) { $0 + $1.forecast }
        let covered = intervals.compactMap { low, high, actual in low.flatMap { low in high.map { low <= actual && actual <= $0 } } }
        return .init(method: method, periods: pairs.count,
                     mapePct: errors.isEmpty ? nil : ForecastModel.rounded(100 * errors.reduce(0, +) / Decimal(errors.count), 2),
                     biasPct: actualTotal > 0 ? ForecastModel.rounded(100 * (forecastTotal - actualTotal) / actualTotal, 2) : nil,
                     coveragePct: covered.isEmpty ? nil
                         : ForecastModel.rounded(100 * Decimal(covered.filter { $0 }.count) / Decimal(covered.count), 2))
    }

    func repCallAccuracy(_ totals: [Int64: (periods: Int, called: Decimal, won: Decimal)]) throws -> [ForecastBacktest.RepCallAccuracy] {
        guard !totals.isEmpty else { return [] }
        let names = Dictionary(uniqueKeysWithValues: try self.session.connection.query("""
            SELECT id, external_id FROM salesops.reps WHERE org_id = \(self.session.orgID) AND id = ANY(\(Array(totals.keys))::bigint[])
            """).rows.map { (try $0.decode("id", as: Int64.self), try $0.decode("external_id", as: String.self)) })
        return totals.map { rep, total in
            let pct = total.won > 0 ? ForecastModel.rounded(100 * total.called / total.won, 2) : nil
            let verdict = switch pct {
            case .some(let pct) where pct < 90: "sandbags"
            case .some(let pct) where pct > 110: "over-calls"
            case .some: "calls close"
            case .none: total.called > 0 ? "over-calls" : "calls close"
            }
            return .init(rep: names[rep] ?? String(rep), periods: total.periods, called: total.called, won: total.won,
                         callVsWonPct: pct, verdict: verdict)
        }.sorted { ($0.callVsWonPct ?? .greatestFiniteMagnitude, $0.rep) < ($1.callVsWonPct ?? .greatestFiniteMagnitude, $1.rep) }
    }
}
