import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// Who is looking at the dashboard: the session's org and role, and the CSRF token every
/// form that changes something must carry.
struct Viewer: Sendable {
    var session: DashboardSession
    var csrfToken: String
}

/// The dashboard's sessions: cookies, their check against `salesops_meta.dashboard_sessions`,
/// CSRF tokens, and running a page's database work in the viewer's org.
struct DashboardAccess: Sendable {
    let executor: DatabaseExecutor
    /// The org of each session already accepted: pages queue under their org (fairness).
    let owners: CredentialOwners
    let statementTimeout: String
    let lifetime: DashboardSessionRepository.Lifetime
    /// Marks cookies `Secure` (set when a TLS endpoint fronts the server).
    let secureCookies: Bool

    static let sessionCookie = "salesops_session"
    static let loginCookie = "salesops_login"
    static let cookiePath = "/dashboard"

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the dashboard's paths only.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=\(Self.cookiePath); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (self.secureCookies ? "; Secure" : "")
    }

    /// The session cookie's secret, when the request carries a well-formed one.
    static func sessionSecret(_ request: Request) -> String? {
        guard let value = request.cookies[Self.sessionCookie]?.value, SessionSecret.isWellFormed(value) else { return nil }
        return value
    }

    /// Runs `body` in the viewer's org, or returns nil when the request has no live session.
    func inSession<Result: Sendable>(_ request: Request, role required: TokenRole = .reader,
                                     _ body: @escaping @Sendable (TenantSession, Viewer) throws -> Result) async throws -> Result? {
        guard let secret = Self.sessionSecret(request) else { return nil }
        let timeout = self.statementTimeout, idle = self.lifetime.idle, owners = self.owners
        return try await self.executor.run(as: owners.owner(of: secret)) { connection -> Result? in
            guard let session = try connection.withApplicationRole({ try DashboardSessionRepository(connection: $0).check(secret, idle: idle) })
            else { return nil }
            owners.remember(secret, orgID: session.orgID)
            if required == .admin && session.role != .admin {
                throw Problem(.forbidden, "changing targets needs an admin token; this session was opened with a reader token")
            }
            let viewer = Viewer(session: session, csrfToken: SessionSecret.csrfToken(for: secret))
            return try connection.withTenant(session.orgID, statementTimeout: timeout) { try body($0, viewer) }
        }
    }

    /// Opens a session for a token; the token's problem as a 401 otherwise.
    func logIn(token: String) async throws -> OpenedSession {
        let lifetime = self.lifetime, owners = self.owners
        return try await self.executor.run(as: owners.owner(of: token)) { connection in
            try connection.withApplicationRole { connection in
                switch try TokenRepository(connection: connection).check(token) {
                case .valid(let orgID, let role, let tokenID):
                    owners.remember(token, orgID: orgID)
                    return try DashboardSessionRepository(connection: connection).open(orgID: orgID, tokenID: tokenID, role: role,
                                                                                        lifetime: lifetime)
                case .invalid: throw Problem(.unauthorized, "that token is not valid")
                case .expired: throw Problem(.unauthorized, "that token has expired")
                case .revoked: throw Problem(.unauthorized, "that token has been revoked")
                }
            }
        }
    }

    /// Ends the request's session, if any.
    func logOut(_ request: Request) async throws {
        guard let secret = Self.sessionSecret(request) else { return }
        try await self.executor.run(as: self.owners.owner(of: secret)) { connection in
            try connection.withApplicationRole { try DashboardSessionRepository(connection: $0).end(secret) }
        }
    }
}

/// A submitted `application/x-www-form-urlencoded` body, read up to a bound.
struct FormBody: Sendable {
    var fields: [String: String]

    /// The most bytes a dashboard form may send.
    static let maximumBytes = 16 * 1024

    static func read(_ request: Request) async throws -> FormBody {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw Problem(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumBytes)
        } catch {
            throw Problem(.contentTooLarge, "a form may send at most \(Self.maximumBytes) bytes")
        }
        return FormBody(encoded: String(buffer: buffer))
    }

    init(encoded: String) {
        var fields: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? {
        self.fields[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
