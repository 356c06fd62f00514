import Foundation
import PostgresClient

/// The forecasts a night keeps (sql/033, `kpi.forecasts`): as of the night, the month, fiscal
/// quarter and fiscal year containing it, for the org, every team and every rep on staff in
/// that fiscal year — one model batch, one insert.
struct ForecastHistory {
    let session: TenantSession

    /// The period kinds a night forecasts.
    static var periodKinds: [String] { ForecastEngine.keptPeriodKinds }

    /// Replaces the stored forecasts as of `night` with freshly made ones; returns the rows stored.
    @discardableResult
    func store(night: LocalDate, org: Org) throws -> Int {
        let engine = ForecastEngine(session: self.session)
        let connection = self.session.connection
        let periods = try Self.periodKinds.map { kind in
            try engine.period(PeriodLabel.of(kind: kind, start: PeriodLabel.start(of: kind, containing: night,
                                                                                   fiscalYearStartMonth: org.fiscalYearStartMonth),
                                             fiscalYearStartMonth: org.fiscalYearStartMonth))
        }
        let scopes = try self.scopes(during: periods.last!)
        let batch = try ForecastModel(session: self.session).run(periods.map { .init(period: $0, asOf: night) },
                                                                 scopes: scopes.map(\.reps), horizon: night, timeZone: org.timezone)
        let knownBy = try engine.endOf(night, org: org)
        var rows = Rows()
        for (index, period) in periods.enumerated() {
            let targets = try self.revenueTargets(period: period.label)
            let commits = try self.commits(period: period.label, knownBy: knownBy, scopes: scopes)
            let elapsed = period.start.days(to: night) + 1
            for (scopeIndex, scope) in scopes.enumerated() {
                let parts = batch.parts[index][scopeIndex]
                rows.append(period: period, scope: scope, parts: parts,
                            runRate: ForecastModel.rounded(parts.won.amount * Decimal(period.days) / Decimal(elapsed), 2),
                            target: targets["\(scope.kind.rawValue):\(scope.id)"], commit: commits[scopeIndex])
            }
        }
        try connection.execute("DELETE FROM kpi.forecast_history WHERE org_id = \(org.id) AND as_of = \(night)")
        // Nothing conflicts: the rows it replaces were just deleted. The clause is for a Citus
        // cluster, which writes rows that do not come from the org's node (these come from the
        // client's arrays) with COPY unless the statement has ON CONFLICT or RETURNING, and
        // PostgreSQL refuses COPY into a table under row-level security.
        return try connection.execute("""
            INSERT INTO kpi.forecast_history
                (org_id, period_kind, period_start, scope_kind, scope_id, as_of, period, period_end, value, won_to_date, won_deals,
                 open_pipeline_amount, open_pipeline_expected, open_deals, not_yet_created, run_rate, weighted_pipeline,
                 target, commit_call, computed_at)
            SELECT \(org.id), r.period_kind, r.period_start, r.scope_kind, r.scope_id, \(night)::date, r.period, r.period_end,
                   r.value, r.won, r.won_deals, r.open_amount, r.open_expected, r.open_deals, r.not_yet_created, r.run_rate,
                   r.weighted, NULLIF(r.target, '')::numeric, NULLIF(r.commit_call, '')::numeric, now()
            FROM unnest(\(rows.kinds)::text[], \(rows.starts)::date[], \(rows.scopeKinds)::text[], \(rows.scopeIDs)::bigint[],
                        \(rows.labels)::text[], \(rows.ends)::date[], \(rows.values)::numeric[], \(rows.won)::numeric[],
                        \(rows.wonDeals)::bigint[], \(rows.openAmounts)::numeric[], \(rows.openExpected)::numeric[],
                        \(rows.openDeals)::bigint[], \(rows.notYetCreated)::numeric[], \(rows.runRates)::numeric[],
                        \(rows.weighted)::numeric[], \(rows.targets)::text[], \(rows.commits)::text[])
                 AS r(period_kind, period_start, scope_kind, scope_id, period, period_end, value, won, won_deals, open_amount,
                      open_expected, open_deals, not_yet_created, run_rate, weighted, target, commit_call)
            ON CONFLICT DO NOTHING
            """)
    }

    /// A scope the night forecasts and the reps whose deals it counts (nil: every deal).
    struct Scope {
        var kind: ScopeKind
        var id: Int64
        var reps: [Int64]?
    }

    /// The org, every team with its subtree's reps, and every rep on staff during `period`.
    func scopes(during period: ForecastPeriod) throws -> [Scope] {
        let org = self.session.orgID
        let members = try ForecastEngine(session: self.session).subtreeMembers(under: nil).map { ($0.teamID, $0.repID) }
        let teams = try self.session.connection.query("SELECT id FROM salesops.teams WHERE org_id = \(org) ORDER BY id")
            .rows.map { try $0.decode("id", as: Int64.self) }
        let reps = try self.session.connection.query("""
            SELECT id FROM salesops.reps
            WHERE org_id = \(org) AND hired_on <= \(period.end) AND (left_on IS NULL OR left_on >= \(period.start))
            ORDER BY id
            """).rows.map { try $0.decode("id", as: Int64.self) }
        let byTeam = Dictionary(grouping: members, by: \.0).mapValues { $0.map(\.1) }
        return [Scope(kind: .org, id: 0, reps: nil)]
            + teams.map { Scope(kind: .team, id: $0, reps: byTeam[$0] ?? []) }
            + reps.map { Scope(kind: .rep, id: $0, reps: [$0]) }
    }

    /// The period's revenue targets by "kind:id".
    private func revenueTargets(period label: String) throws -> [String: Decimal] {
        Dictionary(uniqueKeysWithValues: try self.session.connection.query("""
            SELECT t.scope_kind || ':' || COALESCE(t.team_id, t.rep_id, 0) AS scope, t.value
            FROM salesops.targets t
            WHERE t.org_id = \(self.session.orgID) AND t.metric = 'revenue' AND t.period = \(label)
            """).rows.map { (try $0.decode("scope", as: String.self), try $0.decode("value", as: Decimal.self)) })
    }

    /// Each scope's latest commit call known at `knownBy` (as `ForecastCalls.latest` has it: a
    /// team's manager call, else the sum of its reps' calls; nil when no one called).
    private func commits(period label: String, knownBy: Date, scopes: [Scope]) throws -> [Decimal?] {
        let calls = ForecastCalls(session: self.session)
        let reps = try calls.repCommits(period: label, knownBy: knownBy)
        let managers = try calls.teamCommits(period: label, knownBy: knownBy)
        return scopes.map { scope in
            if scope.kind == .team, let call = managers[scope.id] { return call }
            let called = (scope.reps ?? Array(reps.keys)).compactMap { reps[$0] }
            return called.isEmpty ? nil : called.reduce(0, +)
        }
    }

    /// The insert's columns, one array each.
    private struct Rows {
        var kinds: [String] = [], starts: [LocalDate] = [], scopeKinds: [String] = [], scopeIDs: [Int64] = []
        var labels: [String] = [], ends: [LocalDate] = [], values: [Decimal] = [], won: [Decimal] = [], wonDeals: [Int64] = []
        var openAmounts: [Decimal] = [], openExpected: [Decimal] = [], openDeals: [Int64] = [], notYetCreated: [Decimal] = []
        var runRates: [Decimal] = [], weighted: [Decimal] = [], targets: [String] = [], commits: [String] = []

        mutating func append(period: ForecastPeriod, scope: Scope, parts: ForecastModel.Parts, runRate: Decimal,
                             target: Decimal?, commit: Decimal?) {
            self.kinds.append(period.kind)
            self.starts.append(period.start)
            self.scopeKinds.append(scope.kind.rawValue)
            self.scopeIDs.append(scope.id)
            self.labels.append(period.label)
            self.ends.append(period.end)
            self.values.append(parts.value)
            self.won.append(parts.won.amount)
            self.wonDeals.append(Int64(parts.won.deals))
            self.openAmounts.append(parts.open.reduce(0) { $0 + $1.amount })
            self.openExpected.append(parts.open.reduce(0) { $0 + $1.expected })
            self.openDeals.append(Int64(parts.open.reduce(0) { $0 + $1.deals }))
            self.notYetCreated.append(parts.notYetCreated.expected)
            self.runRates.append(runRate)
            self.weighted.append(parts.won.amount + parts.configuredOpen)
            self.targets.append(target.map(\.description) ?? "")
            self.commits.append(commit.map(\.description) ?? "")
        }
    }
}

/// One stored forecast of a period and scope (a row of `kpi.forecasts`).
public struct StoredForecast: Sendable, Equatable, Codable {
    public var asOf: LocalDate
    public var value: Decimal
    public var wonToDate: Decimal
    public var openPipelineAmount: Decimal
    public var openPipelineExpected: Decimal
    public var notYetCreated: Decimal
    public var target: Decimal?
    public var attainmentPct: Decimal?
    public var commitCall: Decimal?
    public var runRate: Decimal
    public var weightedPipeline: Decimal
    public var computedAt: Date
}

extension ForecastEngine {
    /// The period kinds whose forecasts every materialization keeps (`kpi.forecasts`).
    public static let keptPeriodKinds = ["month", "quarter", "year"]

    /// Most stored forecasts one history answer holds (a fiscal year of nights and then some).
    public static let historyLimit = 400

    /// The stored forecasts of the period labelled `label` for `scope`, night by night, oldest
    /// first (the latest `limit`, at most `historyLimit`).
    /// - Throws: `.invalidInput` for a label that is not a month, quarter or year; `UnknownName`
    ///   for an unknown team or rep.
    public func history(period label: String, scope: TargetScope, limit: Int = historyLimit) throws -> [StoredForecast] {
        let period = try self.period(label)
        guard ForecastHistory.periodKinds.contains(period.kind) else {
            throw SalesOpsError.invalidInput("period \(label) is a \(period.kind): forecasts are kept for months, quarters and years")
        }
        let scopeID = try KPIReader(session: self.session).scopeID(of: scope)
        return try self.session.connection.query("""
            SELECT * FROM (
                SELECT f.as_of, f.value, f.won_to_date, f.open_pipeline_amount, f.open_pipeline_expected, f.not_yet_created, f.target,
                       round(100 * f.value / NULLIF(f.target, 0), 2) AS attainment_pct, f.commit_call, f.run_rate, f.weighted_pipeline,
                       f.computed_at
                FROM kpi.forecast_history f
                WHERE f.org_id = \(self.session.orgID) AND f.period_kind = \(period.kind) AND f.period_start = \(period.start)
                  AND f.scope_kind = \(scope.kind.rawValue) AND f.scope_id = \(scopeID)
                ORDER BY f.as_of DESC LIMIT \(min(max(limit, 0), Self.historyLimit))) latest
            ORDER BY as_of
            """).rows.map { row in
            StoredForecast(asOf: try row.decode("as_of"), value: try row.decode("value"), wonToDate: try row.decode("won_to_date"),
                           openPipelineAmount: try row.decode("open_pipeline_amount"),
                           openPipelineExpected: try row.decode("open_pipeline_expected"),
                           notYetCreated: try row.decode("not_yet_created"), target: try row.decode("target"),
                           attainmentPct: try row.decode("attainment_pct"), commitCall: try row.decode("commit_call"),
                           runRate: try row.decode("run_rate"), weightedPipeline: try row.decode("weighted_pipeline"),
                           computedAt: try row.decode("computed_at"))
        }
    }
}
