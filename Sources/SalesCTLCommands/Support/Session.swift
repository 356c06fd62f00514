import Logging
import PostgresClient
import SalesOps

/// A command's open connection and the helpers commands share.
struct Session {
    let connection: Connection
    let logger: Logger

    /// Connects with the global options.
    /// - Throws: `.connectionFailed` (exit 69) with host, port, database and the reason.
    static func open(_ options: GlobalOptions) throws -> Session {
        let logger = options.logger
        return Session(connection: try Connection.connect(options.connectionConfiguration, logger: logger), logger: logger)
    }

    /// The org with this slug.
    func org(_ slug: String) throws -> Org {
        try self.connection.withApplicationRole { try OrgRepository(connection: $0).get(slug: slug) }
    }

    /// Runs `body` in the org's tenant context.
    func inOrg<Result>(_ slug: String, _ body: (TenantSession) throws -> Result) throws -> Result {
        try self.inOrg(slug) { _, session in try body(session) }
    }

    /// Runs `body` in the org's tenant context, with the org (its currency, time zone, calendar).
    func inOrg<Result>(_ slug: String, _ body: (Org, TenantSession) throws -> Result) throws -> Result {
        let org = try self.org(slug)
        return try self.connection.withTenant(org.id) { try body(org, $0) }
    }
}
