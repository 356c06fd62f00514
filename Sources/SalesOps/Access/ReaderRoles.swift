import PostgresClient

/// Settings given to every BI reader role (SPEC §9). The timeouts are the role's defaults,
/// which a session can change; what it cannot change is enforced from outside: the
/// connection limit and `temp_file_limit` by the server, the statement, idle and transaction
/// limits by `ReaderSessionWatchdog`, which ends sessions past them.
public struct ReaderRoleSettings: Sendable, Equatable {
    /// Most concurrent connections of the role (1–100), enforced by the server.
    public var connectionLimit: Int = 5
    /// The role's default `statement_timeout`.
    public var statementTimeout: String = "30s"
    /// The role's default `lock_timeout`.
    public var lockTimeout: String = "5s"
    /// The role's default `idle_in_transaction_session_timeout`.
    public var idleInTransactionTimeout: String = "60s"
    /// A statement running longer is ended by the watchdog, whatever the session set.
    public var statementLimit: Duration = .seconds(30)
    /// A session idle in a transaction longer is ended by the watchdog.
    public var idleInTransactionLimit: Duration = .seconds(60)
    /// A transaction open longer (holding a snapshot that keeps dead rows from VACUUM) is ended.
    public var transactionLimit: Duration = .seconds(600)
    /// `temp_file_limit` of the role: a superuser-only setting, so the role cannot lift it.
    public var tempFileLimit: String = "1GB"

    /// The product's defaults.
    public init() {}
}

/// What `grantReader` did.
public enum ReaderGrant: Sendable, Equatable {
    /// The login role did not exist and was created.
    case created
    /// An existing login role was bound.
    case bound
}

/// BI login roles bound to one org: they read that org's KPI views and nothing of any
/// other org (SPEC §2, §9). Role creation and binding happen in
/// `salesops_meta.grant_reader`/`revoke_reader`, which quote the name themselves; the
/// connection must be the operator's (a login that may create roles), outside any role switch.
public struct ReaderRoles {
    let connection: Connection

    /// - Parameter connection: the operator's connection (a login that may create roles).
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Creates (or binds) `role` as a reader of the org.
    /// - Parameters:
    ///   - password: the role's password, sent to the server only as a SCRAM verifier; nil
    ///     leaves the password as it is (none for a new role).
    /// - Throws: `SalesOpsError.invalidInput` for a bad or privileged role name, a role bound
    ///   to another org, or bad settings.
    @discardableResult
    public func grantReader(role: String, orgID: Int64, password: String?, settings: ReaderRoleSettings = .init()) throws -> ReaderGrant {
        let verifier = try password.map { try self.connection.passwordVerifier(for: $0, user: role) }
        do {
            let created: Bool = try self.connection.withTransaction { connection in
                let created: Bool = try connection.query("""
                    SELECT salesops_meta.grant_reader(\(role)::text, \(orgID)::bigint, \(verifier)::text, \(settings.connectionLimit)::integer,
                                                      \(settings.statementTimeout)::text, \(settings.lockTimeout)::text,
                                                      \(settings.idleInTransactionTimeout)::text) AS created
                    """).rows[0].decode("created")
                try connection.execute("""
                    SELECT salesops_meta.set_reader_limits(\(role)::text, \(settings.statementLimit.milliseconds)::bigint * interval '1 millisecond',
                                                           \(settings.idleInTransactionLimit.milliseconds)::bigint * interval '1 millisecond',
                                                           \(settings.transactionLimit.milliseconds)::bigint * interval '1 millisecond',
                                                           \(settings.tempFileLimit)::text)
                    """)
                return created
            }
            return created ? .created : .bound
        } catch let error as PostgresError where error.sqlState == SQLState("22023") {
            throw SalesOpsError.invalidInput(error.message)
        } catch let error as TransactionError {
            if let body = error.bodyError as? PostgresError, body.sqlState == SQLState("22023") {
                throw SalesOpsError.invalidInput(body.message)
            }
            throw error
        }
    }

    /// Removes a reader: the role is dropped if `grantReader` created it, else it loses the
    /// reader group and its binding.
    /// - Throws: `SalesOpsError.notFound` when the role is not a reader of the org.
    public func revokeReader(role: String, orgID: Int64) throws {
        let removed: Bool = try self.connection.withTransaction { connection in
            try connection.query("SELECT salesops_meta.revoke_reader(\(role), \(orgID)) AS removed").rows[0].decode("removed")
        }
        guard removed else { throw SalesOpsError.notFound("role \"\(role)\" is not a reader of this org") }
    }

    /// The reader roles bound to an org.
    public func list(orgID: Int64) throws -> [String] {
        try self.connection.query("""
            SELECT role_name::text AS role FROM salesops_meta.tenant_roles WHERE org_id = \(orgID) ORDER BY role_name
            """).rows.map { try $0.decode("role") }
    }
}
