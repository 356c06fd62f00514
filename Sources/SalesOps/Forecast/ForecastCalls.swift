import Foundation
import PostgresClient

/// The calls reps and managers submitted (SPEC §10), as known at an instant: for each caller
/// and category, the latest call submitted before it.
struct ForecastCalls {
    let session: TenantSession

    /// The scope's latest calls per category for the period: a rep's own; a team's manager
    /// call, else the sum of the latest calls of the reps in its subtree; for the org, the
    /// sum of every rep's latest call.
    func latest(scope: TargetScope, period label: String, knownBy: Date) throws -> [ForecastCall] {
        let org = self.session.orgID
        var team: Int64?
        if case .team(let externalID) = scope {
            team = try TeamRepository(session: self.session).id(of: externalID)
            let managers = try self.rows(teamID: team!, period: label, knownBy: knownBy)
            if !managers.isEmpty { return managers.map { .init(scope: scope.label, category: $0.0, amount: $0.1, submittedAt: $0.2) } }
        }
        let reps = try ForecastEngine(session: self.session).reps(of: scope)
        let rows = try self.session.connection.query("""
            SELECT c.category, sum(c.amount) AS amount, max(c.submitted_at) AS submitted_at, count(*) AS callers
            FROM (SELECT DISTINCT ON (f.rep_id, f.category) f.rep_id, f.category, f.amount, f.submitted_at
                  FROM salesops.forecast_calls f
                  WHERE f.org_id = \(org) AND f.scope_kind = 'rep' AND f.period = \(label) AND f.submitted_at < \(knownBy)
                    AND (\(reps)::bigint[] IS NULL OR f.rep_id = ANY(\(reps)::bigint[]))
                  ORDER BY f.rep_id, f.category, f.submitted_at DESC) c
            GROUP BY c.category ORDER BY c.category DESC
            """).rows
        return try rows.map { row in
            let callers: Int = try row.decode("callers")
            let label: String = if case .rep = scope { scope.label } else { "\(scope.label) (sum of \(callers) reps' calls)" }
            return ForecastCall(scope: label, category: try row.decode("category"), amount: try row.decode("amount"),
                                submittedAt: try row.decode("submitted_at"))
        }
    }

    /// Each rep's latest `commit` call for the period known at `knownBy`, by rep id.
    func repCommits(period label: String, knownBy: Date) throws -> [Int64: Decimal] {
        try self.latestCommits(of: .rep, period: label, knownBy: knownBy)
    }

    /// Each team's latest manager `commit` call for the period known at `knownBy`, by team id.
    func teamCommits(period label: String, knownBy: Date) throws -> [Int64: Decimal] {
        try self.latestCommits(of: .team, period: label, knownBy: knownBy)
    }

    /// The latest `commit` call of every caller of one kind (reps, or managers for teams).
    private func latestCommits(of kind: ScopeKind, period label: String, knownBy: Date) throws -> [Int64: Decimal] {
        let caller = kind == .rep ? "rep_id" : "team_id"
        let rows = try self.session.connection.query("""
            SELECT DISTINCT ON (f.\(unescaped: caller)) f.\(unescaped: caller) AS caller, f.amount
            FROM salesops.forecast_calls f
            WHERE f.org_id = \(self.session.orgID) AND f.scope_kind = \(kind.rawValue) AND f.category = 'commit'
              AND f.period = \(label) AND f.submitted_at < \(knownBy)
            ORDER BY f.\(unescaped: caller), f.submitted_at DESC
            """).rows
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode("caller", as: Int64.self), try $0.decode("amount", as: Decimal.self)) })
    }

    private func rows(teamID: Int64, period label: String, knownBy: Date) throws -> [(ForecastCategory, Decimal, Date)] {
        try self.session.connection.query("""
            SELECT DISTINCT ON (f.category) f.category, f.amount, f.submitted_at
            FROM salesops.forecast_calls f
            WHERE f.org_id = \(self.session.orgID) AND f.scope_kind = 'team' AND f.team_id = \(teamID)
              AND f.period = \(label) AND f.submitted_at < \(knownBy)
            ORDER BY f.category DESC, f.submitted_at DESC
            """).rows.map { (try $0.decode("category"), try $0.decode("amount"), try $0.decode("submitted_at")) }
    }
}
