import PostgresClient

/// A connection inside an org's transaction: the one door to tenant tables. Repositories,
/// readers, the materializer and explain take a session and reach the connection inside the
/// SalesOps module only, so the server and the CLI cannot run statements of their own
/// against tenant tables; every statement behind the door names the org (`org_id = …`) and
/// row-level security, scoped to the same org, is the second guard.
public struct TenantSession {
    /// The connection, inside the org's transaction as the application role.
    let connection: Connection
    /// The org whose rows are visible.
    public let orgID: Int64
}

extension Connection {
    /// Runs `body` with a `TenantSession` for `orgID` (see `withOrg(_:_:)`).
    /// - Parameters:
    ///   - isolation: the transaction's isolation level; nil keeps the server's default.
    ///   - statementTimeout: a bound on each statement of the transaction (`statement_timeout`,
    ///     e.g. `10s`), nil for the server's setting: the API's and the dashboard's requests
    ///     give one.
    @discardableResult
    public func withTenant<Result>(_ orgID: Int64, isolation: TransactionIsolation? = nil, statementTimeout: String? = nil,
                                   _ body: (TenantSession) throws -> Result) throws -> Result {
        try self.withOrg(orgID, isolation: isolation) { connection in
            if let statementTimeout {
                try connection.execute("SELECT set_config('statement_timeout', \(statementTimeout), true)")
            }
            return try body(TenantSession(connection: connection, orgID: orgID))
        }
    }
}
