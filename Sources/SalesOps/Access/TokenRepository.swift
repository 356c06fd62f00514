import Foundation
import PostgresClient

/// The outcome of presenting a bearer token.
public enum TokenCheck: Sendable, Equatable {
    /// A live token: its org and role.
    case valid(orgID: Int64, role: TokenRole, tokenID: Int64)
    /// Unknown, malformed or wrong secret.
    case invalid
    case expired
    case revoked
}

/// API tokens of orgs (SPEC §9), in `salesops_meta.api_tokens`, reachable by product
/// sessions only: the operator's connection (`salesctl token`) or the application role
/// with no org set (the server authenticating a request).
public struct TokenRepository {
    let connection: Connection

    /// - Parameter connection: a product session: the operator's connection, or one inside
    ///   `withApplicationRole` for `check`.
    public init(connection: Connection) {
        self.connection = connection
    }

    static let columns = "id, org_id, name, role, created_at, expires_at, last_used_at, revoked_at"

    /// Creates a token; its secret is in the result and nowhere else.
    /// - Parameters:
    ///   - expiresInDays: days until it stops working; nil never expires.
    /// - Throws: `SalesOpsError.invalidInput` for an empty or long name or a bad expiry.
    public func create(orgID: Int64, name: String, role: TokenRole, expiresInDays: Int?) throws -> IssuedToken {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw SalesOpsError.invalidInput("token name must be 1–100 characters")
        }
        if let expiresInDays, !(1...3650).contains(expiresInDays) {
            throw SalesOpsError.invalidInput("--expires-in must be 1–3650 days, not \(expiresInDays)")
        }
        let (secret, lookupKey) = TokenFormat.generate()
        let row = try self.connection.query("""
            INSERT INTO salesops_meta.api_tokens (org_id, name, role, lookup_key, secret_sha256, expires_at)
            VALUES (\(orgID), \(trimmed), \(role.rawValue), \(lookupKey), \(TokenFormat.sha256Hex(secret)),
                    now() + \(expiresInDays)::integer * interval '1 day')
            RETURNING \(unescaped: Self.columns)
            """).rows[0]
        return IssuedToken(secret: secret, token: try Self.decode(row))
    }

    /// An org's tokens, newest first, revoked ones included.
    public func list(orgID: Int64) throws -> [APIToken] {
        try self.connection.query("""
            SELECT \(unescaped: Self.columns) FROM salesops_meta.api_tokens WHERE org_id = \(orgID) ORDER BY id DESC
            """).rows.map(Self.decode)
    }

    /// Revokes a token of the org.
    /// - Throws: `SalesOpsError.notFound` when the org has no token with this id.
    public func revoke(orgID: Int64, id: Int64) throws -> APIToken {
        // A token revoked before keeps its first revocation time. (Two statements: Citus takes
        // no call of now() inside COALESCE, even on a coordinator's table.)
        var rows = try self.connection.query("""
            UPDATE salesops_meta.api_tokens SET revoked_at = now()
            WHERE org_id = \(orgID) AND id = \(id) AND revoked_at IS NULL
            RETURNING \(unescaped: Self.columns)
            """).rows
        if rows.isEmpty {
            rows = try self.connection.query("""
                SELECT \(unescaped: Self.columns) FROM salesops_meta.api_tokens WHERE org_id = \(orgID) AND id = \(id)
                """).rows
        }
        guard let row = rows.first else { throw SalesOpsError.notFound("no token \(id) in this org") }
        return try Self.decode(row)
    }

    /// Checks a presented token: found by its lookup key, then its SHA-256 compared in
    /// constant time. A valid token's `last_used_at` is refreshed at most once a minute.
    public func check(_ presented: String) throws -> TokenCheck {
        let presentedHash = TokenFormat.sha256Hex(presented)
        guard let lookupKey = TokenFormat.lookupKey(of: presented) else { return .invalid }
        let rows = try self.connection.query("""
            SELECT org_id, id, role, secret_sha256, expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked
            FROM salesops_meta.api_tokens WHERE lookup_key = \(lookupKey)
            """).rows
        guard let row = rows.first else { return .invalid }
        guard TokenFormat.constantTimeEquals(presentedHash, try row.decode("secret_sha256")) else { return .invalid }
        if try row.decode("revoked") { return .revoked }
        if try row.decode("expired", as: Bool?.self) == true { return .expired }
        guard let role = TokenRole(rawValue: try row.decode("role")) else { return .invalid }
        let orgID: Int64 = try row.decode("org_id")
        let id: Int64 = try row.decode("id")
        try self.connection.execute("""
            UPDATE salesops_meta.api_tokens SET last_used_at = now()
            WHERE org_id = \(orgID) AND id = \(id) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """)
        return .valid(orgID: orgID, role: role, tokenID: id)
    }

    static func decode(_ row: Row) throws -> APIToken {
        APIToken(id: try row.decode("id"), orgID: try row.decode("org_id"), name: try row.decode("name"),
                 role: TokenRole(rawValue: try row.decode("role")) ?? .reader,
                 createdAt: try row.decode("created_at"), expiresAt: try row.decode("expires_at"),
                 lastUsedAt: try row.decode("last_used_at"), revokedAt: try row.decode("revoked_at"))
    }
}
