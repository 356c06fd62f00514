import Foundation
import PostgresClient

/// Forecasts and backtests of the org in the session (SPEC §10).
public struct ForecastEngine {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// Past periods of the same kind the forecast's interval is learned from.
    static let intervalPeriods = 8
    /// Fewest backtest residuals an interval is made from.
    static let intervalMinimum = 4

    /// The forecast of revenue for the period labelled `label` and `scope`, as of the end of
    /// local day `asOf` (default: yesterday in the org's time zone, or the period's last day
    /// when it has ended).
    /// - Throws: `.invalidInput` for a label that is not a period or a day outside it;
    ///   `UnknownName` for an unknown team or rep.
    public func forecast(period label: String, scope: TargetScope, asOf: LocalDate? = nil, now: Date = Date()) throws -> Forecast {
        let org = try TenantOrgRecords(session: self.session).org()
        let period = try self.period(label)
        let day = try asOf ?? min(period.end, try self.yesterday(org: org, now: now))
        guard day >= period.start, day <= period.end else {
            throw SalesOpsError.invalidInput("as-of day \(day) is outside period \(label) (\(period.start)..\(period.end)): "
                + "a forecast is made as of a day inside its period")
        }
        let reps = try self.reps(of: scope)
        // The interval: the same forecast for earlier periods of this kind, made as far into
        // each as this one is, against what they ended at — those forecast with at least half
        // the history this one has (an org's first months say little about its later errors).
        // All of them and this one come from one batch.
        let fraction = Decimal(period.start.days(to: day) + 1) / Decimal(period.days)
        var cases = [ForecastModel.Case(period: period, asOf: day)]
        var start = PeriodLabel.previousStart(kind: period.kind, start: period.start)
        for _ in 0..<Self.intervalPeriods {
            let past = try self.period(PeriodLabel.of(kind: period.kind, start: start, fiscalYearStartMonth: org.fiscalYearStartMonth))
            start = PeriodLabel.previousStart(kind: period.kind, start: start)
            if past.end < day { cases.append(.init(period: past, asOf: Self.day(at: fraction, of: past))) }
        }
        let batch = try ForecastModel(session: self.session).run(cases, scopes: [reps], horizon: day, timeZone: org.timezone)
        let parts = batch.parts[0][0]
        let value = parts.value
        let ratios: [Decimal] = cases.indices.dropFirst().compactMap { index in
            let pastParts = batch.parts[index][0]
            guard pastParts.value > 0, 2 * pastParts.notYetCreated.historyDays >= parts.notYetCreated.historyDays,
                  let actual = batch.actuals[index] else { return nil }
            return actual.total(of: reps) / pastParts.value
        }
        let interval = Self.interval(of: parts, ratios: ratios)
        let low = interval?.low, high = interval?.high, note: String
        if interval != nil {
            note = "P10/P90 of actual ÷ forecast over the \(ratios.count) earlier \(period.kind)s forecast at the same point"
        } else {
            note = "no interval: \(ratios.count) earlier \(period.kind)s were forecast with comparable history "
                + "(at least half of this one's; \(Self.intervalMinimum) are needed)"
        }
        let target = try self.revenueTarget(scope: scope, period: label)
        let elapsed = period.start.days(to: day) + 1
        return Forecast(
            period: period, scope: scope.label, asOf: day, value: value, low: low, high: high, intervalNote: note,
            wonToDate: parts.won, openPipeline: parts.open, notYetCreated: parts.notYetCreated, target: target,
            attainmentPct: target.flatMap { $0 > 0 ? ForecastModel.rounded(100 * value / $0, 2) : nil },
            calls: try ForecastCalls(session: self.session).latest(scope: scope, period: label, knownBy: self.endOf(day, org: org)),
            baselines: .init(runRate: ForecastModel.rounded(parts.won.amount * Decimal(period.days) / Decimal(elapsed), 2),
                             weightedPipeline: parts.won.amount + parts.configuredOpen),
            notes: ["amounts, owners and expected close dates are today's values: they have no history"])
    }

    /// Revenue won in `period` per owning rep, as the stage history stands at its end.
    ///
    /// Only the deals that can matter from the period's start on are rebuilt (sql/042): a deal
    /// won inside the period and still won at its end entered that stage in it, so it changed,
    /// closed or was created then.
    func actual(period: ForecastPeriod, timeZone: String) throws -> RevenueByRep {
        let rows = try self.session.connection.query("""
            SELECT a.owner_rep_id, sum(a.amount) AS amount
            FROM kpi.deal_spells(\(self.session.orgID), salesops.day_start(\(period.end.adding(days: 1)), \(timeZone)),
                                 salesops.day_start(\(period.start), \(timeZone))) a
            WHERE a.left_at IS NULL AND a.stage_kind = 'won' AND a.entered_at >= salesops.day_start(\(period.start), \(timeZone))
            GROUP BY a.owner_rep_id
            """).rows
        return RevenueByRep(amounts: Dictionary(uniqueKeysWithValues: try rows.map {
            (try $0.decode("owner_rep_id", as: Int64.self), try $0.decode("amount", as: Decimal.self))
        }))
    }

    /// The kind and bounds of a period label.
    func period(_ label: String) throws -> ForecastPeriod {
        let bounds = try KPIReader(session: self.session).bounds(of: label)
        guard bounds.kind != "day" else {
            throw SalesOpsError.invalidInput("period \(label) is a day: forecasts are made for weeks, months, quarters and years")
        }
        // Forecasts, backtests and plans look back up to nine periods and a year, and a backtest
        // forward to its end: within these years every such period is a real one.
        guard Self.years.contains(bounds.start.year), Self.years.contains(bounds.end.year) else {
            throw SalesOpsError.invalidInput("period \(label) lies outside the years \(Self.years.lowerBound)–\(Self.years.upperBound) "
                + "forecasts and plans are made for")
        }
        return ForecastPeriod(label: label, kind: bounds.kind, start: bounds.start, end: bounds.end)
    }

    /// The years a forecast's or plan's period may fall in.
    static let years = 1900...9900

    /// The reps whose deals a scope counts: nil for the whole org, a team's whole subtree.
    func reps(of scope: TargetScope) throws -> [Int64]? {
        switch scope {
        case .org: return nil
        case .rep(let externalID): return [try RepRepository(session: self.session).id(of: externalID)]
        case .team(let externalID):
            let team = try TeamRepository(session: self.session).id(of: externalID)
            return try self.session.connection.query("""
                SELECT r.id FROM salesops.team_subtree(\(self.session.orgID), \(team)) s
                JOIN salesops.reps r ON r.org_id = \(self.session.orgID) AND r.team_id = s.team_id
                ORDER BY r.id
                """).rows.map { try $0.decode("id", as: Int64.self) }
        }
    }

    func revenueTarget(scope: TargetScope, period label: String) throws -> Decimal? {
        let id = try KPIReader(session: self.session).scopeID(of: scope)
        return try self.session.connection.query("""
            SELECT t.value FROM salesops.targets t
            WHERE t.org_id = \(self.session.orgID) AND t.metric = 'revenue' AND t.period = \(label)
              AND t.scope_kind = \(scope.kind.rawValue) AND COALESCE(t.team_id, t.rep_id, 0) = \(id)
            """).singleRow()?.decode("value")
    }

    func yesterday(org: Org, now: Date) throws -> LocalDate {
        try self.session.connection.query("""
            SELECT ((\(now)::timestamptz AT TIME ZONE \(org.timezone))::date - 1) AS day
            """).rows[0].decode("day")
    }

    func endOf(_ day: LocalDate, org: Org) throws -> Date {
        try self.session.connection.query("SELECT salesops.day_start(\(day.adding(days: 1)), \(org.timezone)) AS at").rows[0].decode("at")
    }

    /// P10/P90 of a forecast from past actual ÷ forecast ratios (never below won to date);
    /// nil with fewer than `intervalMinimum` of them.
    static func interval(of parts: ForecastModel.Parts, ratios: [Decimal]) -> (low: Decimal, high: Decimal)? {
        guard ratios.count >= Self.intervalMinimum else { return nil }
        let low = max(parts.won.amount, ForecastModel.rounded(parts.value * Self.quantile(ratios, 0.1), 2))
        return (low, max(low, ForecastModel.rounded(parts.value * Self.quantile(ratios, 0.9), 2)))
    }

    /// The local day `fraction` of the way into `period` (at least its first day).
    static func day(at fraction: Decimal, of period: ForecastPeriod) -> LocalDate {
        var scaled = fraction * Decimal(period.days), whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .up)
        return period.start.adding(days: max(1, min(period.days, NSDecimalNumber(decimal: whole).intValue)) - 1)
    }

    /// The `q` quantile of `values`, interpolated between the nearest ranks.
    static func quantile(_ values: [Decimal], _ q: Decimal) -> Decimal {
        let sorted = values.sorted()
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let position = q * Decimal(sorted.count - 1)
        var floorPosition = Decimal(), input = position
        NSDecimalRound(&floorPosition, &input, 0, .down)
        let index = NSDecimalNumber(decimal: floorPosition).intValue
        guard index + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[index] + (position - floorPosition) * (sorted[index + 1] - sorted[index])
    }
}

/// Revenue won per owning rep.
struct RevenueByRep {
    var amounts: [Int64: Decimal]

    /// The revenue of `reps` (every rep when nil).
    func total(of reps: [Int64]?) -> Decimal {
        guard let reps else { return self.amounts.values.reduce(0, +) }
        return reps.reduce(0) { $0 + (self.amounts[$1] ?? 0) }
    }
}
