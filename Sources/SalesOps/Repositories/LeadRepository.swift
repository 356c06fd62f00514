import PostgresClient

/// Leads of the org in context. They are created and changed by the `leads` import.
public struct LeadRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// The lead with this external id.
    /// - Throws: `SalesOpsError.notFound` when there is none.
    public func get(externalID: String) throws -> Lead {
        guard let row = try self.session.connection.query("\(self.select) AND l.external_id = \(externalID)").singleRow()
        else { throw SalesOpsError.notFound("no lead with external id '\(externalID)'") }
        return try Self.decode(row)
    }

    /// Leads, newest first.
    public func list(limit: Int = 1000) throws -> [Lead] {
        try self.session.connection.query("\(self.select) ORDER BY l.created_at DESC, l.external_id LIMIT \(limit)")
            .rows.map(Self.decode)
    }

    /// Deletes a lead that no activity refers to.
    public func delete(externalID: String) throws {
        let lead = try self.get(externalID: externalID)
        try translatingConstraints(["activities_lead_fkey": "lead '\(externalID)' still has activities"]) {
            try self.session.connection.execute("DELETE FROM salesops.leads WHERE org_id = \(self.session.orgID) AND id = \(lead.id)")
        }
    }

    /// The lead columns of this org's leads, open for `AND …` conditions.
    var select: Query {
        """
        SELECT l.id, l.external_id, l.name, l.email, l.source, r.external_id AS owner_rep_external_id, l.created_at,
               l.mql_at, l.sql_at, l.first_response_at, l.converted_at, a.external_id AS account_external_id, l.disqualified_at
        FROM salesops.leads l
        LEFT JOIN salesops.reps r ON r.org_id = l.org_id AND r.id = l.owner_rep_id
        LEFT JOIN salesops.accounts a ON a.org_id = l.org_id AND a.id = l.account_id
        WHERE l.org_id = \(self.session.orgID)
        """
    }

    static func decode(_ row: Row) throws -> Lead {
        Lead(id: try row.decode("id"), externalID: try row.decode("external_id"), name: try row.decode("name"),
             email: try row.decode("email"), source: try row.decode("source"),
             ownerRepExternalID: try row.decode("owner_rep_external_id"), createdAt: try row.decode("created_at"),
             mqlAt: try row.decode("mql_at"), sqlAt: try row.decode("sql_at"), firstResponseAt: try row.decode("first_response_at"),
             convertedAt: try row.decode("converted_at"), accountExternalID: try row.decode("account_external_id"),
             disqualifiedAt: try row.decode("disqualified_at"))
    }
}
