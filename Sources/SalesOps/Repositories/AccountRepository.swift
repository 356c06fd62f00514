import PostgresClient

/// Accounts of the org in context. They are created and changed by the `accounts` import.
public struct AccountRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// The account with this external id.
    /// - Throws: `SalesOpsError.notFound` when there is none.
    public func get(externalID: String) throws -> Account {
        guard let row = try self.session.connection.query("\(self.select) AND a.external_id = \(externalID)").singleRow()
        else { throw SalesOpsError.notFound("no account with external id '\(externalID)'") }
        return try Self.decode(row)
    }

    /// Accounts by external id; only one owner's when given.
    public func list(ownerRepExternalID: String? = nil, limit: Int = 1000) throws -> [Account] {
        try self.session.connection.query("""
            \(self.select)
              AND (\(ownerRepExternalID)::text IS NULL OR r.external_id = \(ownerRepExternalID))
            ORDER BY a.external_id LIMIT \(limit)
            """).rows.map(Self.decode)
    }

    /// Deletes an account that no deal, lead, activity or survey refers to.
    public func delete(externalID: String) throws {
        let account = try self.get(externalID: externalID)
        try translatingConstraints([
            "deals_account_fkey": "account '\(externalID)' still has deals",
            "leads_account_fkey": "account '\(externalID)' still has leads",
            "activities_account_fkey": "account '\(externalID)' still has activities",
            "survey_responses_account_fkey": "account '\(externalID)' still has survey responses",
            "accounts_referred_by_fkey": "account '\(externalID)' referred other accounts",
        ]) {
            try self.session.connection.execute("DELETE FROM salesops.accounts WHERE org_id = \(self.session.orgID) AND id = \(account.id)")
        }
    }

    /// The account columns of this org's accounts, open for `AND …` conditions.
    var select: Query {
        """
        SELECT a.id, a.external_id, a.name, r.external_id AS owner_rep_external_id, a.region, a.source,
               referrer.external_id AS referred_by_external_id, a.churned_at
        FROM salesops.accounts a
        LEFT JOIN salesops.reps r ON r.org_id = a.org_id AND r.id = a.owner_rep_id
        LEFT JOIN salesops.accounts referrer ON referrer.org_id = a.org_id AND referrer.id = a.referred_by_id
        WHERE a.org_id = \(self.session.orgID)
        """
    }

    static func decode(_ row: Row) throws -> Account {
        Account(id: try row.decode("id"), externalID: try row.decode("external_id"), name: try row.decode("name"),
                ownerRepExternalID: try row.decode("owner_rep_external_id"), region: try row.decode("region"),
                source: try row.decode("source"), referredByExternalID: try row.decode("referred_by_external_id"),
                churnedAt: try row.decode("churned_at"))
    }
}
