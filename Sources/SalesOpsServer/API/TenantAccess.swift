import Foundation
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

    /// The verdict of a token check as the request's error, nil for a valid token.
    static func refusal(_ check: TokenCheck) -> Problem? {
        switch check {
        case .valid: nil
        case .invalid: Problem(.unauthorized, "the token is not valid")
        case .expired: Problem(.unauthorized, "the token has expired")
        case .revoked: Problem(.unauthorized, "the token has been revoked")
        }
    }

    /// Runs a reader's read in the request's org: one statement checks the token and enters
    /// the org (read-only, bounded by the statement timeout), then — unless the client's
    /// `If-None-Match` already names `validator(version)` — `body` reads, in the same
    /// pipelined transaction.
    /// - Parameter validator: the entity tag of this request's answer at an org read version.
    func conditionalRead<Result: Sendable>(_ request: Request, validator: @escaping @Sendable (ReadVersion) -> String,
                                           _ body: @escaping @Sendable (TenantSession) throws -> Result) async throws -> ConditionalRead<Result> {
        let token = try Self.bearerToken(request)
        let owners = self.owners, timeout = self.statementTimeout
        let presented = request.headers[.ifNoneMatch]
        return try await self.executor.run(as: owners.owner(of: token)) { connection in
            // A read is one transaction: on a cluster it runs again when the org's shard moved under it.
            try ShardMove.retrying { try connection.withReadRequest(token: token, statementTimeout: timeout) { opened in
                if let refusal = Self.refusal(opened.check) { throw refusal }
                guard case .valid(let orgID, _, _) = opened.check, let session = opened.session, let version = opened.version else {
                    throw Problem(.unauthorized, "the token is not valid")
                }
                owners.remember(token, orgID: orgID)
                let tag = validator(version)
                if let presented, EntityTag.list(presented, matches: tag) {
                    return .notModified(tag: tag, changedAt: version.changedAt)
                }
                return .fresh(try body(session), tag: tag, changedAt: version.changedAt)
            } }
        }
    }

    /// Runs `body` with a connection once the request's token is valid and its role allowed.
    /// The body starts outside any transaction.
    func authorized<Result: Sendable>(_ request: Request, role required: TokenRole,
                                      _ body: @escaping @Sendable (Connection, Principal) throws -> Result) async throws -> Result {
        let token = try Self.bearerToken(request)
        let owners = self.owners
        return try await self.executor.run(as: owners.owner(of: token)) { connection in
            let check = try connection.withApplicationRole { try TokenRepository(connection: $0).check(token) }
            if let refusal = Self.refusal(check) { throw refusal }
            guard case .valid(let orgID, let role, _) = check else { throw Problem(.unauthorized, "the token is not valid") }
            let principal = Principal(orgID: orgID, role: role)
            owners.remember(token, orgID: orgID)
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
            try ShardMove.retrying { try connection.withTenant(principal.orgID, statementTimeout: timeout, body) }
        }
    }
}

/// The outcome of a conditional read: the client's copy is current, or a fresh answer.
enum ConditionalRead<Value: Sendable>: Sendable {
    case notModified(tag: String, changedAt: Date)
    case fresh(Value, tag: String, changedAt: Date)
}

/// Entity tags of `If-None-Match` (RFC 9110 §13.1.2: weak comparison).
enum EntityTag {
    /// Whether an `If-None-Match` value (`*` or a list of tags) names `tag`.
    static func list(_ header: String, matches tag: String) -> Bool {
        let bare = { (candidate: Substring) -> Substring in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return Substring(trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed)
        }
        return header.trimmingCharacters(in: .whitespaces) == "*"
            || header.split(separator: ",").contains { bare($0) == bare(Substring(tag)) }
    }
}
