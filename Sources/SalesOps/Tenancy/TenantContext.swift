import PostgresClient

/// The role tenant work runs as. It has no BYPASSRLS, so row-level security applies even
/// when the connection's own user is the table owner or a superuser.
let applicationRole = "salesops_app"

/// The role the nightly scheduler claims and records nights as: it sees the org registry
/// and every org's run records, and no other tenant data.
let schedulerRole = "salesops_scheduler"

extension Connection {
    /// Runs `body` in a transaction as the application role, with `orgID` as the current org.
    ///
    /// The role and the org are set with `SET LOCAL` / `set_config(..., true)`, so they end
    /// with the transaction: a pooled connection never carries one org's context into
    /// another's work.
    /// - Parameters:
    ///   - orgID: the org whose rows the body may see and change.
    ///   - body: the work.
    ///   - isolation: the transaction's isolation level; nil keeps the server's default.
    @discardableResult
    func withOrg<Result>(_ orgID: Int64, isolation: TransactionIsolation? = nil,
                                _ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction(isolation: isolation) { connection in
            try connection.execute("SET LOCAL ROLE \(unescaped: applicationRole)")
            try connection.execute("SELECT set_config('salesops.org_id', \(String(orgID)), true)")
            return try body(connection)
        }
    }

    /// Runs `body` in a transaction as the application role with no org set: only the org
    /// registry is reachable (to create orgs and resolve slugs); tenant tables show nothing.
    @discardableResult
    public func withApplicationRole<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction { connection in
            try connection.execute("SET LOCAL ROLE \(unescaped: applicationRole)")
            return try body(connection)
        }
    }

    /// Runs `body` in a transaction as the scheduler role.
    @discardableResult
    public func withSchedulerRole<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction { connection in
            try connection.execute("SET LOCAL ROLE \(unescaped: schedulerRole)")
            return try body(connection)
        }
    }
}
