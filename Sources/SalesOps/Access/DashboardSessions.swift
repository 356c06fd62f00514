import Crypto
import Foundation
import PostgresClient

/// A live dashboard session: whose it is and what its token may do.
public struct DashboardSession: Sendable, Equatable {
    public var id: Int64
    public var orgID: Int64
    public var tokenID: Int64
    public var role: TokenRole
    public var expiresAt: Date
}

/// A session opened by a login: the cookie's secret (shown once, stored only as a hash).
public struct OpenedSession: Sendable {
    public var secret: String
    public var session: DashboardSession
}

/// Dashboard sessions (`salesops_meta.dashboard_sessions`): opened with a valid API token,
/// ended by logout, by their expiry (absolute and idle), or by their token's expiry or
/// revocation. Reachable by product sessions only (the server, inside `withApplicationRole`).
public struct DashboardSessionRepository {
    let connection: Connection

    /// How long a session lives at most, and how long it may sit unused.
    public struct Lifetime: Sendable {
        public var absolute: Duration
        public var idle: Duration

        public init(absolute: Duration = .seconds(12 * 3600), idle: Duration = .seconds(2 * 3600)) {
            self.absolute = absolute
            self.idle = idle
        }
    }

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Opens a session for a token that `TokenRepository.check` found valid; it ends no later
    /// than the token. Sessions ended more than a day ago are purged on the way.
    public func open(orgID: Int64, tokenID: Int64, role: TokenRole, lifetime: Lifetime) throws -> OpenedSession {
        let secret = SessionSecret.generate()
        try self.connection.execute("""
            DELETE FROM salesops_meta.dashboard_sessions
            WHERE expires_at < now() - interval '1 day' OR ended_at < now() - interval '1 day'
            """)
        let row = try self.connection.query("""
            INSERT INTO salesops_meta.dashboard_sessions (org_id, token_id, secret_sha256, expires_at)
            SELECT \(orgID), t.id, \(TokenFormat.sha256Hex(secret)),
                   LEAST(now() + \(Int(lifetime.absolute.components.seconds))::integer * interval '1 second', t.expires_at)
            FROM salesops_meta.api_tokens t WHERE t.org_id = \(orgID) AND t.id = \(tokenID)
            RETURNING id, expires_at
            """).rows[0]
        return OpenedSession(secret: secret, session: DashboardSession(id: try row.decode("id"), orgID: orgID, tokenID: tokenID, role: role,
                                                                        expiresAt: try row.decode("expires_at")))
    }

    /// The live session a cookie names, or nil: unknown, ended, expired, idle too long, or its
    /// token expired or revoked. Marks it seen (at most once a minute).
    public func check(_ secret: String, idle: Duration) throws -> DashboardSession? {
        guard SessionSecret.isWellFormed(secret) else { return nil }
        guard let row = try self.connection.query("""
            SELECT s.id, s.org_id, s.token_id, t.role, s.expires_at, s.last_seen_at < now() - interval '1 minute' AS stale
            FROM salesops_meta.dashboard_sessions s
            JOIN salesops_meta.api_tokens t ON t.org_id = s.org_id AND t.id = s.token_id
            WHERE s.secret_sha256 = \(TokenFormat.sha256Hex(secret)) AND s.ended_at IS NULL AND s.expires_at > now()
              AND s.last_seen_at > now() - \(Int(idle.components.seconds))::integer * interval '1 second'
              AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
            """).singleRow(), let role = TokenRole(rawValue: try row.decode("role")) else { return nil }
        let session = DashboardSession(id: try row.decode("id"), orgID: try row.decode("org_id"), tokenID: try row.decode("token_id"),
                                       role: role, expiresAt: try row.decode("expires_at"))
        if try row.decode("stale") {
            try self.connection.execute("""
                UPDATE salesops_meta.dashboard_sessions SET last_seen_at = now() WHERE org_id = \(session.orgID) AND id = \(session.id)
                """)
        }
        return session
    }

    /// Ends the session a cookie names (logout); nothing when it is unknown.
    public func end(_ secret: String) throws {
        guard SessionSecret.isWellFormed(secret) else { return }
        try self.connection.execute("""
            UPDATE salesops_meta.dashboard_sessions SET ended_at = now()
            WHERE secret_sha256 = \(TokenFormat.sha256Hex(secret)) AND ended_at IS NULL
            """)
    }
}

/// Session secrets (256 random bits, base64url) and the CSRF token each one implies.
public enum SessionSecret {
    static func generate() -> String {
        TokenFormat.base64URL(Data(TokenFormat.randomBytes(32)))
    }

    /// Any 43-character base64url text (what `generate` makes); nothing else is looked up.
    public static func isWellFormed(_ secret: String) -> Bool {
        secret.utf8.count == 43 && secret.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The CSRF token of a session: an HMAC of its secret, so it is never stored, differs per
    /// session, and cannot be derived without the cookie.
    public static func csrfToken(for secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("salesops dashboard csrf".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return TokenFormat.base64URL(Data(mac))
    }

    /// Whether a submitted CSRF token is the session's (compared in constant time).
    public static func csrfTokenMatches(_ submitted: String?, secret: String) -> Bool {
        guard let submitted else { return false }
        return TokenFormat.constantTimeEquals(submitted, self.csrfToken(for: secret))
    }

    /// A fresh random value for the login form's double-submitted CSRF cookie.
    public static func loginNonce() -> String { self.generate() }

    /// Compares two strings in constant time.
    public static func equal(_ a: String, _ b: String) -> Bool { TokenFormat.constantTimeEquals(a, b) }
}
