import PostgresClient

/// A connection inside an org's transaction: the only way repositories are reached, so
/// every repository call runs with row-level security scoped to one org.
public struct TenantSession {
    /// The connection, inside the org's transaction as the application role.
    public let connection: Connection
    /// The org whose rows are visible.
    public let orgID: Int64
}

extension Connection {
    /// Runs `body` with a `TenantSession` for `orgID` (see `withOrg(_:_:)`).
    @discardableResult
    public func withTenant<Result>(_ orgID: Int64, isolation: TransactionIsolation? = nil,
                                   _ body: (TenantSession) throws -> Result) throws -> Result {
        try self.withOrg(orgID, isolation: isolation) { connection in
            try body(TenantSession(connection: connection, orgID: orgID))
        }
    }
}
