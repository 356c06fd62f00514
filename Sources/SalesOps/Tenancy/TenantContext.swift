import PostgresClient

/// The role tenant work runs as. It has no BYPASSRLS, so row-level security applies even
/// when the connection's own user is the table owner or a superuser.
let applicationRole = "salesops_app"

/// The role the nightly scheduler claims and records nights as: it sees the org registry
/// and every org's run records, and no other tenant data.
let schedulerRole = "salesops_scheduler"

extension Connection {
    /// Whether this session's database is laid out on a Citus cluster (`CitusLayout` sets
    /// `salesops.distributed` for the database), read once per connection.
    ///
    /// Citus opens its connections to the workers as the coordinator's current role, so on a
    /// cluster transactions do not switch to the (login-less) product roles: they run as the
    /// product's own login, which the workers' policies recognize as a product session.
    func isDistributed() throws -> Bool {
        if let known = self.sessionFacts["salesops.distributed"] { return known == "on" }
        let value: String? = try self.query("SELECT current_setting('salesops.distributed', true) AS value").rows[0].decode("value")
        self.sessionFacts["salesops.distributed"] = value ?? "off"
        return value == "on"
    }

    /// Switches the transaction to `role`, on a single node only (see `isDistributed`).
    private func switchRole(to role: String) throws {
        if try !self.isDistributed() { try self.execute("SET LOCAL ROLE \(unescaped: role)") }
    }

    /// Runs `body` in a transaction as the application role, with `orgID` as the current org.
    ///
    /// The role and the org are set with `SET LOCAL`, so they end with the transaction: a
    /// pooled connection never carries one org's context into another's work. `SET LOCAL`
    /// (unlike `set_config`) is what Citus passes on to the workers' sessions of the
    /// transaction (`citus.propagate_set_commands = local`); the org id is an integer, never text.
    /// - Parameters:
    ///   - orgID: the org whose rows the body may see and change.
    ///   - body: the work.
    ///   - isolation: the transaction's isolation level; nil keeps the server's default.
    @discardableResult
    func withOrg<Result>(_ orgID: Int64, isolation: TransactionIsolation? = nil,
                                _ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction(isolation: isolation) { connection in
            try connection.switchRole(to: applicationRole)
            try connection.execute("SET LOCAL salesops.org_id = \(unescaped: String(orgID))")
            return try body(connection)
        }
    }

    /// Runs `body` in a transaction as the application role with no org set: only the org
    /// registry is reachable (to create orgs and resolve slugs); tenant tables show nothing.
    @discardableResult
    public func withApplicationRole<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction { connection in
            try connection.switchRole(to: applicationRole)
            return try body(connection)
        }
    }

    /// Runs `body` in a transaction as the scheduler role.
    @discardableResult
    public func withSchedulerRole<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try self.withTransaction { connection in
            try connection.switchRole(to: schedulerRole)
            return try body(connection)
        }
    }
}
