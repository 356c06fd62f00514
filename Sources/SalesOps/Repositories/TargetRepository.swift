import Foundation
import PostgresClient

/// Who a target is for: the org, a team or a rep (by external id).
public enum TargetScope: Sendable, Equatable {
    case org
    case team(String)
    case rep(String)

    public var kind: ScopeKind {
        switch self {
        case .org: .org
        case .team: .team
        case .rep: .rep
        }
    }

    public var externalID: String? {
        switch self {
        case .org: nil
        case .team(let id), .rep(let id): id
        }
    }

    /// Builds a scope from its kind and external id, as the CSV and CLI give them.
    /// - Throws: `.invalidInput` when an org scope has an id or a team/rep scope has none.
    public static func parse(kind: ScopeKind, externalID: String?) throws -> TargetScope {
        switch (kind, externalID) {
        case (.org, nil): return .org
        case (.org, .some(let id)): throw SalesOpsError.invalidInput("scope org takes no external id (got '\(id)')")
        case (.team, .some(let id)): return .team(id)
        case (.rep, .some(let id)): return .rep(id)
        case (.team, nil), (.rep, nil): throw SalesOpsError.invalidInput("scope \(kind.rawValue) needs the \(kind.rawValue)'s external id")
        }
    }
}

/// Targets (quotas) of the org in context.
public struct TargetRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// Sets a target, replacing the value of one with the same scope, metric and period.
    /// - Parameters:
    ///   - period: `2026` (fiscal year), `2026-Q3` (fiscal quarter), `2026-11` or `2026-W47`.
    /// - Throws: `.invalidInput` for an unknown metric, a period that is not one, or a value
    ///   wider than 16 digits before the point and 6 after.
    public func set(scope: TargetScope, metric: String, period: String, value: Decimal) throws -> Target {
        guard value.isFinite, ImportColumn.isDecimal(value.description, fractionDigits: 6) else {
            throw SalesOpsError.invalidInput("target value must have at most 16 digits before the point and 6 after")
        }
        try self.validate(metric: metric, period: period)
        let (teamID, repID) = try self.scopeIDs(scope)
        try self.session.connection.execute("""
            INSERT INTO salesops.targets (org_id, scope_kind, team_id, rep_id, metric, period, value)
            VALUES (\(self.session.orgID), \(scope.kind), \(teamID), \(repID), \(metric), \(period), \(value))
            ON CONFLICT (org_id, scope_kind, team_id, rep_id, metric, period)
            DO UPDATE SET value = EXCLUDED.value WHERE targets.value IS DISTINCT FROM EXCLUDED.value
            """)
        guard let target = try self.list(scope: scope).first(where: { $0.metric == metric && $0.period == period }) else {
            throw SalesOpsError.notFound("target for \(metric) \(period) vanished after it was set")
        }
        return target
    }

    /// Targets, by scope, metric and period; only one scope's when given.
    public func list(scope: TargetScope? = nil) throws -> [Target] {
        let (teamID, repID) = try scope.map(self.scopeIDs) ?? (nil, nil)
        return try self.session.connection.query("""
            SELECT t.id, t.scope_kind, COALESCE(tm.external_id, r.external_id) AS scope_external_id,
                   t.metric, t.period, t.period_kind, b.period_start, b.period_end, t.value
            FROM salesops.targets t
            JOIN salesops.orgs o ON o.id = t.org_id
            LEFT JOIN salesops.teams tm ON tm.org_id = t.org_id AND tm.id = t.team_id
            LEFT JOIN salesops.reps r ON r.org_id = t.org_id AND r.id = t.rep_id
            LEFT JOIN LATERAL salesops.period_bounds(t.period, o.fiscal_year_start_month) b ON true
            WHERE t.org_id = \(self.session.orgID)
              AND (\(scope?.kind)::text IS NULL
                   OR (t.scope_kind = \(scope?.kind) AND t.team_id IS NOT DISTINCT FROM \(teamID)::bigint
                       AND t.rep_id IS NOT DISTINCT FROM \(repID)::bigint))
            ORDER BY t.scope_kind, scope_external_id NULLS FIRST, t.metric, b.period_start
            """).rows.map { row in
            Target(id: try row.decode("id"), scopeKind: try row.decode("scope_kind"),
                   scopeExternalID: try row.decode("scope_external_id"), metric: try row.decode("metric"),
                   period: try row.decode("period"), periodKind: try row.decode("period_kind"),
                   periodStart: try row.decode("period_start"), periodEnd: try row.decode("period_end"),
                   value: try row.decode("value"))
        }
    }

    /// Deletes a target.
    /// - Throws: `.notFound` when there is no such target.
    public func delete(scope: TargetScope, metric: String, period: String) throws {
        let (teamID, repID) = try self.scopeIDs(scope)
        let deleted = try self.session.connection.execute("""
            DELETE FROM salesops.targets
            WHERE org_id = \(self.session.orgID) AND scope_kind = \(scope.kind)
              AND team_id IS NOT DISTINCT FROM \(teamID)::bigint AND rep_id IS NOT DISTINCT FROM \(repID)::bigint
              AND metric = \(metric) AND period = \(period)
            """)
        guard deleted == 1 else {
            throw SalesOpsError.notFound("no \(scope.kind.rawValue) target for \(metric) in \(period)")
        }
    }

    func validate(metric: String, period: String) throws {
        guard PeriodLabel.isWellFormed(period, allowingDays: false) else {
            throw SalesOpsError.invalidInput("period '\(period)': expected 2026, 2026-Q3, 2026-11 or 2026-W47 in years 0001–9999")
        }
        let row = try self.session.connection.query("""
            SELECT EXISTS (SELECT 1 FROM salesops.metrics WHERE name = \(metric)) AS known_metric,
                   EXISTS (SELECT 1 FROM salesops.orgs o, salesops.period_bounds(\(period), o.fiscal_year_start_month)
                           WHERE o.id = \(self.session.orgID)) AS real_period
            """).rows[0]
        guard try row.decode("known_metric", as: Bool.self) else {
            throw MetricCatalogue.standard.unknownMetric(metric)
        }
        guard try row.decode("real_period", as: Bool.self) else {
            throw SalesOpsError.invalidInput("period '\(period)': expected 2026, 2026-Q3, 2026-11 or 2026-W47 (a week the ISO year has)")
        }
    }

    private func scopeIDs(_ scope: TargetScope) throws -> (team: Int64?, rep: Int64?) {
        switch scope {
        case .org: (nil, nil)
        case .team(let id): (try TeamRepository(session: self.session).id(of: id), nil)
        case .rep(let id): (nil, try RepRepository(session: self.session).id(of: id))
        }
    }
}
