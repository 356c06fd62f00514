import Foundation
import PostgresClient

/// One metric of one period and scope, as `kpi show` presents it.
public struct MetricReading: Sendable, Equatable, Codable {
    public var metric: String
    /// The value; a missing fact reads as 0 for counts, sums and snapshots, else nil.
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
    public var target: Decimal?
    public var attainmentPct: Decimal?
    public var expectedToDate: Decimal?
    public var pacePct: Decimal?
}

/// A reading with its numbers as printed text (`NumericText`): what `MetricReading` holds, for
/// writers that only print the numbers.
public struct MetricReadingText: Sendable, Equatable {
    public var metric: String
    public var value: NumericText?
    public var numerator: NumericText?
    public var denominator: NumericText?
    public var target: NumericText?
    public var attainmentPct: NumericText?
    public var expectedToDate: NumericText?
    public var pacePct: NumericText?
}

/// A reading of one metric.
protocol MetricNamed {
    var metric: String { get }
}

extension MetricReading: MetricNamed {}
extension MetricReadingText: MetricNamed {}

/// A period as `kpi show` names it, with its bounds and when it was materialized.
public struct ShownPeriod: Sendable, Equatable, Codable {
    public var label: String
    public var kind: String
    public var start: LocalDate
    public var end: LocalDate
    public var asOf: LocalDate
    /// When the period's facts were last computed (HTTP `Last-Modified`).
    public var computedAt: Date = .distantPast

    enum CodingKeys: String, CodingKey {
        case label, kind, start, end, asOf
    }
}

/// Reads materialized KPI facts of one period and scope, with targets where they exist.
public struct KPIReader {
    let session: TenantSession
    let catalogue: MetricCatalogue

    public init(session: TenantSession, catalogue: MetricCatalogue = .standard) {
        self.session = session
        self.catalogue = catalogue
    }

    /// The metrics of a period and scope, in the engine's order (grouped by metric family) or
    /// in the order of `metrics` when given,
    /// in one statement: the period's bounds on the org's calendar, its materialization, the
    /// scope and the facts with their targets.
    /// - Parameters:
    ///   - period: `2026`, `2026-Q3`, `2026-11`, `2026-W47` or a day `2026-11-05`.
    ///   - metrics: only these metrics when not empty.
    /// - Throws: `.invalidInput` for an unknown period or metric; `.notFound` when the period
    ///   has not been materialized or the scope does not exist.
    public func read(period label: String, scope: TargetScope, metrics: [String]) throws -> (ShownPeriod, [MetricReading]) {
        try self.read(period: label, scope: scope, metrics: metrics) { row in
            MetricReading(metric: try row.decode("metric"), value: try row.decode("value"), numerator: try row.decode("numerator"),
                          denominator: try row.decode("denominator"), target: try row.decode("target"),
                          attainmentPct: try row.decode("attainment_pct"), expectedToDate: try row.decode("expected_to_date"),
                          pacePct: try row.decode("pace_pct"))
        }
    }

    /// `read` with every number as the text `Decimal` prints for it (`NumericText`), for
    /// writers that print the numbers straight away (the API's KPI page).
    public func readNumericText(period label: String, scope: TargetScope, metrics: [String]) throws -> (ShownPeriod, [MetricReadingText]) {
        try self.read(period: label, scope: scope, metrics: metrics) { row in
            MetricReadingText(metric: try row.decode("metric"), value: try row.decode("value"), numerator: try row.decode("numerator"),
                              denominator: try row.decode("denominator"), target: try row.decode("target"),
                              attainmentPct: try row.decode("attainment_pct"), expectedToDate: try row.decode("expected_to_date"),
                              pacePct: try row.decode("pace_pct"))
        }
    }

    /// The one statement behind `read` and `readNumericText`; `reading` turns a metric's row into a reading.
    ///
    /// The scope's targets of the period are found directly (their labels resolved on the org's
    /// calendar), and attainment, expected-to-date and pace computed with the functions of
    /// `kpi.target_attainment` (sql/044): the same numbers as the view, at half its planning cost.
    func read<Reading: MetricNamed>(period label: String, scope: TargetScope, metrics: [String],
                                    reading: (Row) throws -> Reading) throws -> (ShownPeriod, [Reading]) {
        guard PeriodLabel.isWellFormed(label) else { throw Self.badPeriod(label) }
        if let unknown = metrics.first(where: { self.catalogue.spec($0) == nil }) {
            throw self.catalogue.unknownMetric(unknown)
        }
        if let pending = metrics.first(where: { !self.catalogue.materializedMetrics.contains($0) }) {
            throw SalesOpsError.invalidInput("metric '\(pending)' is in the catalogue but not materialized yet")
        }
        let org = self.session.orgID, day = LocalDate(label)
        let rows = try self.session.connection.query("""
            WITH period AS (
                SELECT b.period_kind, b.period_start, b.period_end
                FROM salesops.orgs o CROSS JOIN LATERAL salesops.period_bounds(\(label), o.fiscal_year_start_month) b
                WHERE o.id = \(org) AND \(day)::date IS NULL
                UNION ALL
                SELECT 'day', \(day)::date, \(day)::date WHERE \(day)::date IS NOT NULL
            ), head AS MATERIALIZED (
                SELECT p.period_kind, p.period_start, p.period_end, mp.as_of, mp.computed_at,
                       CASE \(scope.kind)::text
                           WHEN 'org' THEN 0::bigint
                           WHEN 'team' THEN (SELECT t.id FROM salesops.teams t WHERE t.org_id = \(org) AND t.external_id = \(scope.externalID))
                           ELSE (SELECT r.id FROM salesops.reps r WHERE r.org_id = \(org) AND r.external_id = \(scope.externalID))
                       END AS scope_id
                FROM period p
                LEFT JOIN kpi.materialized_periods mp
                  ON mp.org_id = \(org) AND mp.period_kind = p.period_kind AND mp.period_start = p.period_start
            ), facts AS MATERIALIZED (
                SELECT f.metric, f.value, f.numerator, f.denominator
                FROM head h
                JOIN kpi.metric_fact_rows f
                  ON f.org_id = \(org) AND f.period_kind = h.period_kind AND f.period_start = h.period_start
                 AND f.scope_kind = \(scope.kind) AND f.scope_id = h.scope_id
            ), targets AS MATERIALIZED (
                SELECT t.metric, t.value AS target
                FROM head h
                JOIN salesops.targets t
                  ON t.org_id = \(org) AND t.scope_kind = \(scope.kind) AND COALESCE(t.team_id, t.rep_id, 0) = h.scope_id
                 AND t.period_kind = h.period_kind
                JOIN salesops.orgs o ON o.id = \(org)
                CROSS JOIN LATERAL salesops.period_bounds(t.period, o.fiscal_year_start_month) b
                WHERE b.period_start = h.period_start
            ), readings AS (
                SELECT listed.name AS metric, kpi.reported_value(f.value, m.aggregation) AS value,
                       f.numerator, f.denominator, t.target, m.aggregation, m.lower_is_better, listed.position
                FROM unnest(\(self.catalogue.materializedMetrics)::text[]) WITH ORDINALITY AS listed (name, position)
                JOIN salesops.metrics m ON m.name = listed.name
                LEFT JOIN facts f ON f.metric = listed.name
                LEFT JOIN targets t ON t.metric = listed.name
                WHERE cardinality(\(metrics)::text[]) = 0 OR listed.name = ANY(\(metrics)::text[])
            ), attained AS (
                SELECT r.*, kpi.expected_to_date(r.target, r.aggregation, h.as_of, h.period_start, h.period_end) AS expected_to_date
                FROM readings r CROSS JOIN head h
            )
            SELECT h.period_kind, h.period_start, h.period_end, h.as_of, h.computed_at, h.scope_id,
                   a.metric, a.value, a.numerator, a.denominator, a.target,
                   kpi.attainment_pct(a.target, a.value, a.lower_is_better) AS attainment_pct,
                   a.expected_to_date, kpi.pace_pct(a.value, a.expected_to_date) AS pace_pct
            FROM head h
            LEFT JOIN attained a ON h.as_of IS NOT NULL AND h.scope_id IS NOT NULL
            ORDER BY a.position
            """).rows
        guard let head = rows.first else { throw Self.badPeriod(label) }
        let kind: String = try head.decode("period_kind")
        guard let asOf = try head.decode("as_of", as: LocalDate?.self) else { throw try self.notMaterialized(label) }
        guard try head.decode("scope_id", as: Int64?.self) != nil else {
            throw try OrgNames(session: self.session).unknownScope(scope)
        }
        let period = ShownPeriod(label: label, kind: kind, start: try head.decode("period_start"), end: try head.decode("period_end"),
                                 asOf: asOf, computedAt: try head.decode("computed_at"))
        let readings = try rows.filter { try $0.decode("metric", as: String?.self) != nil }.map(reading)
        return (period, metrics.isEmpty ? readings : Self.inOrder(of: metrics, readings))
    }

    /// The readings in the order the metrics were asked for, each once.
    static func inOrder<Reading: MetricNamed>(of metrics: [String], _ readings: [Reading]) -> [Reading] {
        let byMetric = Dictionary(readings.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        return metrics.compactMap { seen.insert($0).inserted ? byMetric[$0] : nil }
    }

    static func badPeriod(_ label: String) -> SalesOpsError {
        SalesOpsError.invalidInput("period '\(label)': expected 2026, 2026-Q3, 2026-11, 2026-W47 or 2026-11-05")
    }

    /// The error for a period not materialized yet, with the org's time zone.
    public func notMaterialized(_ label: String?) throws -> PeriodNotMaterialized {
        PeriodNotMaterialized(label: label, timezone: try TenantOrgRecords(session: self.session).org().timezone)
    }

    /// The kind and bounds of a period label (a day, or a label of SPEC §4 on the org's fiscal calendar).
    /// - Throws: `.invalidInput` when the label is not a period.
    public func bounds(of label: String) throws -> (kind: String, start: LocalDate, end: LocalDate) {
        guard PeriodLabel.isWellFormed(label) else { throw Self.badPeriod(label) }
        if let day = LocalDate(label) { return ("day", day, day) }
        guard let bounds = try self.session.connection.query("""
            SELECT b.period_kind, b.period_start, b.period_end
            FROM salesops.orgs o CROSS JOIN LATERAL salesops.period_bounds(\(label), o.fiscal_year_start_month) b
            WHERE o.id = \(self.session.orgID)
            """).singleRow() else { throw Self.badPeriod(label) }
        return (try bounds.decode("period_kind"), try bounds.decode("period_start"), try bounds.decode("period_end"))
    }

    /// The materialized period with this label.
    /// - Throws: `.invalidInput` for a label that is not a period, `.notFound` when it has not been materialized.
    public func materializedPeriod(_ label: String) throws -> ShownPeriod {
        let (kind, start, end) = try self.bounds(of: label)
        return try self.materialized(label: label, kind: kind, start: start, end: end)
    }

    func materialized(label: String, kind: String, start: LocalDate, end: LocalDate) throws -> ShownPeriod {
        guard let row = try self.session.connection.query("""
            SELECT as_of, computed_at FROM kpi.materialized_periods
            WHERE org_id = \(self.session.orgID) AND period_kind = \(kind) AND period_start = \(start)
            """).singleRow() else { throw try self.notMaterialized(label) }
        return ShownPeriod(label: label, kind: kind, start: start, end: end, asOf: try row.decode("as_of"),
                           computedAt: try row.decode("computed_at"))
    }

    /// The stored scope id of a scope (0 for the org).
    /// - Throws: `.notFound` for an unknown team or rep.
    public func scopeID(of scope: TargetScope) throws -> Int64 {
        switch scope {
        case .org: 0
        case .team(let id): try TeamRepository(session: self.session).id(of: id)
        case .rep(let id): try RepRepository(session: self.session).id(of: id)
        }
    }
}
