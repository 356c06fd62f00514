import Hummingbird
import PostgresClient
import SalesOps

/// Who a request is: the org and role of its bearer token. The org of a request comes from
/// its token alone, never from a parameter (SPEC §2).
public struct Principal: Sendable, Equatable {
    public var orgID: Int64
    public var role: TokenRole
}

/// Authenticates requests and runs their database work in their org's context, on the
/// executor's threads (one borrow per request: the token check and the work share it).
struct TenantAccess: Sendable {
    let executor: DatabaseExecutor
    /// The org of each token already accepted: requests queue under their org (fairness).
    let owners: CredentialOwners
    /// `statement_timeout` of every request's transaction.
    let statementTimeout: String

    /// The bearer token of a request, or a 401.
    static func bearerToken(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw Problem(.unauthorized, "send the org's API token as 'Authorization: Bearer TOKEN'")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem(.unauthorized, "the Authorization header must be 'Bearer TOKEN'")
        }
        return String(parts[1])
    }

    /// Runs `body` with a connection once the request's token is valid and its role allowed.
    /// The body starts outside any transaction.
    func authorized<Result: Sendable>(_ request: Request, role required: TokenRole,
                                      _ body: @escaping @Sendable (Connection, Principal) throws -> Result) async throws -> Result {
        let token = try Self.bearerToken(request)
        let owners = self.owners
        return try await self.executor.run(as: owners.owner(of: token)) { connection in
            let check = try connection.withApplicationRole { try TokenRepository(connection: $0).check(token) }
            let principal: Principal
            switch check {
            case .valid(let orgID, let role, _):
                principal = Principal(orgID: orgID, role: role)
                owners.remember(token, orgID: orgID)
            case .invalid: throw Problem(.unauthorized, "the token is not valid")
            case .expired: throw Problem(.unauthorized, "the token has expired")
            case .revoked: throw Problem(.unauthorized, "the token has been revoked")
            }
            if required == .admin && principal.role != .admin {
                throw Problem(.forbidden, "this request needs an admin token; this one is a reader token")
            }
            return try body(connection, principal)
        }
    }

    /// Runs `body` in the request's org context (one transaction, bounded by the statement timeout).
    func inOrg<Result: Sendable>(_ request: Request, role: TokenRole = .reader,
                                 _ body: @escaping @Sendable (TenantSession) throws -> Result) async throws -> Result {
        let timeout = self.statementTimeout
        return try await self.authorized(request, role: role) { connection, principal in
            try connection.withTenant(principal.orgID, statementTimeout: timeout, body)
        }
    }
}
