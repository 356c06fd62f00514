import PostgresClient

/// Activities of the org in context. They are created and changed by the `activities` import.
public struct ActivityRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// Activities, newest first; only one rep's when given.
    public func list(repExternalID: String? = nil, limit: Int = 1000) throws -> [Activity] {
        try self.session.connection.query("""
            SELECT x.id, x.external_id, r.external_id AS rep_external_id, x.kind, x.occurred_at,
                   l.external_id AS lead_external_id, a.external_id AS account_external_id, d.external_id AS deal_external_id, x.outcome
            FROM salesops.activities x
            JOIN salesops.reps r ON r.org_id = x.org_id AND r.id = x.rep_id
            LEFT JOIN salesops.leads l ON l.org_id = x.org_id AND l.id = x.lead_id
            LEFT JOIN salesops.accounts a ON a.org_id = x.org_id AND a.id = x.account_id
            LEFT JOIN salesops.deals d ON d.org_id = x.org_id AND d.id = x.deal_id
            WHERE x.org_id = \(self.session.orgID) AND (\(repExternalID)::text IS NULL OR r.external_id = \(repExternalID))
            ORDER BY x.occurred_at DESC, x.external_id LIMIT \(limit)
            """).rows.map { row in
            Activity(id: try row.decode("id"), externalID: try row.decode("external_id"), repExternalID: try row.decode("rep_external_id"),
                     kind: try row.decode("kind"), occurredAt: try row.decode("occurred_at"),
                     leadExternalID: try row.decode("lead_external_id"), accountExternalID: try row.decode("account_external_id"),
                     dealExternalID: try row.decode("deal_external_id"), outcome: try row.decode("outcome"))
        }
    }

    /// Deletes an activity.
    /// - Throws: `SalesOpsError.notFound` when there is none.
    public func delete(externalID: String) throws {
        let deleted = try self.session.connection.execute(
            "DELETE FROM salesops.activities WHERE org_id = \(self.session.orgID) AND external_id = \(externalID)")
        guard deleted == 1 else { throw SalesOpsError.notFound("no activity with external id '\(externalID)'") }
    }
}
