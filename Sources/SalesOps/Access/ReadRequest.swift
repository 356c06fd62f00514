import Foundation
import PostgresClient

/// What an org's KPI reads currently answer: a number raised by every change a read
/// reflects (a materialization, targets, teams, reps, pipelines, stages, the org's calendar;
/// sql/030), and when it last changed. Two reads of the same request with the same version
/// return the same bytes, so the version is an HTTP validator that needs no read.
public struct ReadVersion: Sendable, Equatable {
    public var orgID: Int64
    public var version: Int64
    public var changedAt: Date
}

/// A read request opened by its bearer token: the token's verdict and, for a valid token,
/// the org's read version and a session in its org.
public struct OpenedReadRequest {
    public var check: TokenCheck
    public var version: ReadVersion?
    /// The org's session (read-only transaction), nil unless the token is valid.
    public var session: TenantSession?
}

extension Connection {
    /// Runs a read request of an API token in one pipelined, read-only transaction: one
    /// statement checks the token and enters its org's context with the statement timeout
    /// (`salesops_meta.open_read_request`), then `body` decides — from the verdict and the
    /// org's read version — whether to read, and reads through the session.
    /// - Parameters:
    ///   - token: the presented bearer token.
    ///   - statementTimeout: `statement_timeout` of the transaction's statements, e.g. `10s`.
    public func withReadRequest<Result>(token: String, statementTimeout: String,
                                        _ body: (OpenedReadRequest) throws -> Result) throws -> Result {
        guard let lookupKey = TokenFormat.lookupKey(of: token) else {
            return try body(OpenedReadRequest(check: .invalid, version: nil, session: nil))
        }
        // On a Citus cluster the pipeline's transaction is an explicit one: Citus passes the
        // org's `SET LOCAL` on to the workers' sessions inside a transaction block only, which
        // a pipeline's implicit transaction is not (the workers would read as no org).
        let explicitTransaction = try self.isDistributed()
        do {
            let result = try self.readRequestPipeline(token: token, lookupKey: lookupKey, statementTimeout: statementTimeout,
                                                      explicitTransaction: explicitTransaction, body)
            if explicitTransaction { try self.execute("COMMIT") }
            return result
        } catch {
            // COMMIT ends a failed transaction too (as a rollback); a refusal keeps the token's use.
            if explicitTransaction && self.isInTransaction { _ = try? self.execute("COMMIT") }
            throw error
        }
    }

    private func readRequestPipeline<Result>(token: String, lookupKey: String, statementTimeout: String, explicitTransaction: Bool,
                                             _ body: (OpenedReadRequest) throws -> Result) throws -> Result {
        try self.withPipeline { connection in
            if explicitTransaction { try connection.execute("BEGIN") }
            let row = try connection.query("""
                SELECT status, org_id, token_id, role, read_version, read_changed_at
                FROM salesops_meta.open_read_request(\(lookupKey), \(TokenFormat.sha256Hex(token)), \(statementTimeout))
                """).rows[0]
            let check: TokenCheck
            switch try row.decode("status", as: String.self) {
            case "valid":
                guard let role = TokenRole(rawValue: try row.decode("role")) else { check = .invalid; break }
                check = .valid(orgID: try row.decode("org_id"), role: role, tokenID: try row.decode("token_id"))
            case "expired": check = .expired
            case "revoked": check = .revoked
            default: check = .invalid
            }
            guard case .valid(let orgID, _, _) = check else {
                return try body(OpenedReadRequest(check: check, version: nil, session: nil))
            }
            let version = ReadVersion(orgID: orgID, version: try row.decode("read_version", as: Int64?.self) ?? 0,
                                      changedAt: try row.decode("read_changed_at", as: Date?.self) ?? .distantPast)
            return try body(OpenedReadRequest(check: check, version: version,
                                              session: TenantSession(connection: connection, orgID: orgID)))
        }
    }
}
