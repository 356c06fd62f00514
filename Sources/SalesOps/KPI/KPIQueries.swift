import Foundation
import PostgresClient

/// One period of a metric's series.
public struct SeriesPoint: Sendable, Equatable, Codable {
    public var periodKind: String
    public var periodStart: LocalDate
    public var periodEnd: LocalDate
    public var asOf: LocalDate
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
    public var target: Decimal?
    public var attainmentPct: Decimal?
}

/// One stage metric (org scope) of a period.
public struct StageReading: Sendable, Equatable, Codable {
    public var pipeline: String
    public var stage: String
    public var metric: String
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
}

/// One key of a breakdown of a period and scope.
public struct BreakdownReading: Sendable, Equatable, Codable {
    public var dimension: String
    public var key: String
    public var metric: String
    public var value: Decimal
}

/// One row of a leaderboard: a rep or team ranked by attainment of a metric.
public struct LeaderboardEntry: Sendable, Equatable, Codable {
    public var rank: Int
    public var scopeKind: String
    public var scopeExternalID: String
    public var name: String
    public var value: Decimal?
    public var target: Decimal?
    public var attainmentPct: Decimal?

    enum CodingKeys: String, CodingKey {
        case rank, scopeKind, name, value, target, attainmentPct
        case scopeExternalID = "scopeExternalId"
    }
}

/// The read views of SPEC §6 as the API and the dashboard present them.
extension KPIReader {
    /// The most periods one series returns.
    public static let maximumSeriesLength = 400

    /// A metric's values over the materialized periods from `from` to `to` (labels of the
    /// same kind, e.g. `2026-01` to `2026-11`), oldest first; missing facts read by the
    /// missing-row rule (0 for counts, sums and snapshots).
    /// - Throws: `.invalidInput` for labels of different kinds, a reversed range, more than
    ///   `maximumSeriesLength` periods or an unknown metric; `.notFound` for an unknown scope.
    public func series(metric: String, from: String, to: String, scope: TargetScope) throws -> [SeriesPoint] {
        try self.series(metrics: [metric], from: from, to: to, scope: scope)[metric] ?? []
    }

    /// Several metrics' series over the same periods, in one query (the dashboard's trends).
    /// - Throws: as `series(metric:from:to:scope:)`.
    public func series(metrics: [String], from: String, to: String, scope: TargetScope) throws -> [String: [SeriesPoint]] {
        let low = try self.bounds(of: from), high = try self.bounds(of: to)
        guard low.kind == high.kind else {
            throw SalesOpsError.invalidInput("from '\(from)' is a \(low.kind) and to '\(to)' a \(high.kind): use labels of one kind")
        }
        guard low.start <= high.start else { throw SalesOpsError.invalidInput("from '\(from)' is after to '\(to)'") }
        return try self.series(metrics: metrics, kind: low.kind, from: low.start, to: high.start, scope: scope)
    }

    /// Several metrics' series over the materialized periods of `kind` starting from `from`
    /// to `to` (period starts).
    /// - Parameter includingTargets: false leaves target and attainment out (a trend line
    ///   needs only values; the targets view is the expensive part of the query).
    public func series(metrics: [String], kind: String, from: LocalDate, to: LocalDate, scope: TargetScope,
                       includingTargets: Bool = true) throws -> [String: [SeriesPoint]] {
        try metrics.forEach(self.requireMaterializedMetric)
        let scopeID = try self.scopeID(of: scope)
        let targets: Query = includingTargets ? """
            LEFT JOIN kpi.target_attainment a
              ON a.org_id = \(self.session.orgID) AND a.period_kind = p.period_kind AND a.period_start = p.period_start AND a.scope_kind = \(scope.kind)
             AND a.scope_external_id IS NOT DISTINCT FROM \(scope.externalID) AND a.metric = m.name
            """ : "LEFT JOIN (SELECT NULL::numeric AS target, NULL::numeric AS attainment_pct) AS a ON false"
        let low = (kind: kind, start: from), high = (kind: kind, start: to)
        let rows = try self.session.connection.query("""
            SELECT m.name AS metric, p.period_kind, p.period_start, p.period_end, p.as_of,
                   kpi.reported_value(f.value, m.aggregation) AS value,
                   f.numerator, f.denominator, a.target, a.attainment_pct
            FROM kpi.materialized_periods p
            JOIN salesops.metrics m ON m.name = ANY(\(metrics)::text[])
            LEFT JOIN kpi.metric_fact_rows f
              ON f.org_id = \(self.session.orgID) AND f.period_kind = p.period_kind AND f.period_start = p.period_start AND f.scope_kind = \(scope.kind)
             AND f.scope_id = \(scopeID) AND f.metric = m.name
            \(targets)
            WHERE p.org_id = \(self.session.orgID) AND p.period_kind = \(low.kind) AND p.period_start BETWEEN \(low.start) AND \(high.start)
            ORDER BY m.name, p.period_start
            LIMIT \(Self.maximumSeriesLength * metrics.count + 1)
            """).rows
        var series: [String: [SeriesPoint]] = [:]
        for row in rows {
            let metric: String = try row.decode("metric")
            series[metric, default: []].append(SeriesPoint(
                periodKind: try row.decode("period_kind"), periodStart: try row.decode("period_start"),
                periodEnd: try row.decode("period_end"), asOf: try row.decode("as_of"), value: try row.decode("value"),
                numerator: try row.decode("numerator"), denominator: try row.decode("denominator"),
                target: try row.decode("target"), attainmentPct: try row.decode("attainment_pct")))
        }
        guard series.values.allSatisfy({ $0.count <= Self.maximumSeriesLength }) else {
            throw SalesOpsError.invalidInput("the range holds more than \(Self.maximumSeriesLength) periods; narrow from/to")
        }
        return series
    }

    /// The stage metrics of a materialized period.
    public func stageMetrics(period: ShownPeriod) throws -> [StageReading] {
        try self.session.connection.query("""
            SELECT pipeline, stage, metric, value, numerator, denominator FROM kpi.stage_metrics
            WHERE org_id = \(self.session.orgID) AND period_kind = \(period.kind) AND period_start = \(period.start)
            ORDER BY pipeline, stage, metric
            """).rows.map { row in
            StageReading(pipeline: try row.decode("pipeline"), stage: try row.decode("stage"), metric: try row.decode("metric"),
                         value: try row.decode("value"), numerator: try row.decode("numerator"),
                         denominator: try row.decode("denominator"))
        }
    }

    /// The dimensions breakdowns are kept by (SPEC §5.2), from the breakdowns' specs.
    public static var breakdownDimensions: [String] {
        Set(MetricCatalogue.standard.specs(for: .breakdowns).flatMap(\.dimensions.keys)).sorted()
    }

    /// The breakdowns of a materialized period and scope, of one dimension when given.
    /// - Throws: `.invalidInput` for a dimension breakdowns are not kept by.
    public func breakdowns(period: ShownPeriod, scope: TargetScope, dimension: String?) throws -> [BreakdownReading] {
        if let dimension, !Self.breakdownDimensions.contains(dimension) {
            throw UnknownName(kind: "dimension", name: dimension,
                              reason: "is not one breakdowns are kept by (" + Self.breakdownDimensions.joined(separator: ", ") + ")",
                              known: Self.breakdownDimensions, listing: .dimensions)
        }
        _ = try self.scopeID(of: scope)
        return try self.session.connection.query("""
            SELECT dimension, key, metric, value FROM kpi.breakdowns
            WHERE org_id = \(self.session.orgID) AND period_kind = \(period.kind) AND period_start = \(period.start) AND scope_kind = \(scope.kind)
              AND scope_external_id IS NOT DISTINCT FROM \(scope.externalID)
              AND (\(dimension)::text IS NULL OR dimension = \(dimension))
            ORDER BY dimension, metric, value DESC, key
            """).rows.map { row in
            BreakdownReading(dimension: try row.decode("dimension"), key: try row.decode("key"), metric: try row.decode("metric"),
                             value: try row.decode("value"))
        }
    }

    /// Reps or teams of a materialized period ranked by attainment of `metric` (best first),
    /// then by value (the better end first, lower for metrics where lower is better); only
    /// those with a value or a target.
    /// - Parameter within: a team ranks only its reps (by current team, sub-teams included) or
    ///   its sub-teams; the org (or a rep) ranks all of them.
    public func leaderboard(period: ShownPeriod, metric: String, of kind: ScopeKind, limit: Int,
                            within: TargetScope = .org) throws -> [LeaderboardEntry] {
        guard kind != .org else { throw SalesOpsError.invalidInput("a leaderboard ranks reps or teams, not the org") }
        try self.requireMaterializedMetric(metric)
        var team: Int64?
        if case .team = within { team = try self.scopeID(of: within) }
        return try self.session.connection.query("""
            WITH subtree (id) AS (
                SELECT team_id FROM salesops.team_subtree(\(self.session.orgID), \(team)::bigint) WHERE \(team)::bigint IS NOT NULL
            ), scopes AS (
                SELECT 'rep'::text AS kind, id, external_id, name FROM salesops.reps
                WHERE org_id = \(self.session.orgID) AND (\(team)::bigint IS NULL OR team_id IN (SELECT id FROM subtree))
                UNION ALL
                SELECT 'team', id, external_id, name FROM salesops.teams
                WHERE org_id = \(self.session.orgID)
                  AND (\(team)::bigint IS NULL OR (id IN (SELECT id FROM subtree) AND id <> \(team)::bigint))
            )
            SELECT s.kind, s.external_id, s.name, f.value, a.target, a.attainment_pct
            FROM scopes s
            JOIN salesops.metrics m ON m.name = \(metric)
            LEFT JOIN kpi.metric_fact_rows f
              ON f.org_id = \(self.session.orgID) AND f.period_kind = \(period.kind) AND f.period_start = \(period.start) AND f.scope_kind = s.kind
             AND f.scope_id = s.id AND f.metric = m.name
            LEFT JOIN kpi.target_attainment a
              ON a.org_id = \(self.session.orgID) AND a.period_kind = \(period.kind) AND a.period_start = \(period.start) AND a.scope_kind = s.kind
             AND a.scope_external_id = s.external_id AND a.metric = m.name
            WHERE s.kind = \(kind.rawValue) AND (f.value IS NOT NULL OR a.target IS NOT NULL)
            ORDER BY a.attainment_pct DESC NULLS LAST,
                     CASE WHEN m.lower_is_better THEN -f.value ELSE f.value END DESC NULLS LAST,
                     s.external_id
            LIMIT \(limit)
            """).rows.enumerated().map { index, row in
            LeaderboardEntry(rank: index + 1, scopeKind: try row.decode("kind"), scopeExternalID: try row.decode("external_id"),
                             name: try row.decode("name"), value: try row.decode("value"), target: try row.decode("target"),
                             attainmentPct: try row.decode("attainment_pct"))
        }
    }

    func requireMaterializedMetric(_ metric: String) throws {
        guard self.catalogue.materializedMetrics.contains(metric) else {
            throw UnknownName(kind: "metric", name: metric, reason: "is not a materialized metric of the KPI catalogue",
                              known: self.catalogue.materializedMetrics, listing: .metrics)
        }
    }
}
