import Crypto
import Foundation
import HTTPTypes
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// Logging in, sessions, logout, expiry and CSRF of the dashboard.
@Suite("Dashboard sessions: token login, HttpOnly SameSite=Strict cookie stored as a hash, logout, expiry, CSRF")
struct DashboardSessionTests {
    let fixture = APIFixture.shared

    @Test("without a session every page leads to the login page; a login sets a hashed, HttpOnly, SameSite=Strict session cookie")
    func loginFlow() async throws {
        var client = DashboardClient(fixture: self.fixture)
        for page in ["/dashboard/overview", "/dashboard/explain?period=2026-11&metric=revenue", "/dashboard"] {
            let response = try await client.get(page)
            #expect(response.status == .seeOther, "\(page)")
            #expect(response.headers[.location]?.hasPrefix("/dashboard/") == true)
        }
        let form = try await client.get("/dashboard/login")
        #expect(form.status == .ok)
        #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        let nonce = try #require(DashboardClient.csrf(in: form.body))
        // The login form's CSRF token must come back with the cookie it was set with.
        let forged = try await client.post("/dashboard/login", [("token", self.fixture.readerA)])
        #expect(forged.status == .forbidden)
        #expect(client.cookies["salesops_session"] == nil)
        let wrong = try await client.post("/dashboard/login", [("csrf", nonce), ("token", "sot_0123456789abcdef_nope")])
        #expect(wrong.status == .unauthorized && wrong.body.contains("Login failed"))
        let again = try #require(DashboardClient.csrf(in: wrong.body))
        let expired = try await client.post("/dashboard/login", [("csrf", again), ("token", self.fixture.expiredA)])
        #expect(expired.status == .unauthorized && expired.body.contains("expired"))

        let overview = try await client.logIn(self.fixture.readerA)
        #expect(overview.status == .ok)
        #expect(overview.headers[.contentType] == "text/html; charset=utf-8")
        let secret = try #require(client.cookies["salesops_session"])
        let cookie = try await self.sessionCookieHeader(token: self.fixture.readerA)
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/dashboard"))
        #expect(!cookie.contains("Secure"), "plain HTTP on loopback: no Secure flag unless --secure-cookies")
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let hash = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
        let stored: Int = try connection.query("""
            SELECT count(*) AS n FROM salesops_meta.dashboard_sessions WHERE secret_sha256 = \(hash)
            """).rows[0].decode("n")
        #expect(stored == 1)
        let leaked: Int = try connection.query("""
            SELECT count(*) AS n FROM salesops_meta.dashboard_sessions s WHERE s::text LIKE '%' || \(secret) || '%'
            """).rows[0].decode("n")
        #expect(leaked == 0)
    }

    /// The `Set-Cookie` of a fresh login's session cookie.
    func sessionCookieHeader(token: String) async throws -> String {
        var client = DashboardClient(fixture: self.fixture)
        let form = try await client.get("/dashboard/login")
        let response = try await client.post("/dashboard/login", [("csrf", try #require(DashboardClient.csrf(in: form.body))), ("token", token)])
        return response.headers[values: .setCookie].first { $0.hasPrefix("salesops_session=") } ?? ""
    }

    @Test("logout needs the CSRF token; afterwards the session leads to the login page")
    func logout() async throws {
        var client = DashboardClient(fixture: self.fixture)
        let overview = try await client.logIn(self.fixture.readerA)
        let csrf = try #require(DashboardClient.csrf(in: overview.body))
        let secret = try #require(client.cookies["salesops_session"])
        let forged = try await client.post("/dashboard/logout", [])
        #expect(forged.status == .forbidden)
        #expect(try await client.get("/dashboard/overview").status == .ok)
        let other = try await client.post("/dashboard/logout", [("csrf", String(csrf.reversed()))])
        #expect(other.status == .forbidden)
        let out = try await client.post("/dashboard/logout", [("csrf", csrf)])
        #expect(out.status == .seeOther && out.headers[.location] == "/dashboard/login")
        #expect(client.cookies["salesops_session"] == nil)
        // The old cookie is dead even when replayed.
        client.cookies["salesops_session"] = secret
        let replayed = try await client.get("/dashboard/overview")
        #expect(replayed.status == .seeOther && replayed.headers[.location] == "/dashboard/login")
    }

    @Test("an expired session, or one whose token was revoked, leads to the login page")
    func expiry() async throws {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let tokens = TokenRepository(connection: connection)
        var client = DashboardClient(fixture: self.fixture)
        let token = try tokens.create(orgID: self.fixture.orgA.id, name: "expiring session", role: .reader, expiresInDays: nil)
        #expect(try await client.logIn(token.secret).status == .ok)
        try connection.execute("""
            UPDATE salesops_meta.dashboard_sessions SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
            WHERE org_id = \(self.fixture.orgA.id) AND token_id = \(token.token.id)
            """)
        #expect(try await client.get("/dashboard/overview").headers[.location] == "/dashboard/login")

        var second = DashboardClient(fixture: self.fixture)
        let revoked = try tokens.create(orgID: self.fixture.orgA.id, name: "revoked session", role: .reader, expiresInDays: nil)
        #expect(try await second.logIn(revoked.secret).status == .ok)
        _ = try tokens.revoke(orgID: self.fixture.orgA.id, id: revoked.token.id)
        #expect(try await second.get("/dashboard/overview").headers[.location] == "/dashboard/login")
    }

    @Test("setting a target: CSRF token missing → 403 and nothing written; a reader → 403; an admin with the token → saved")
    func targetsNeedCSRFAndAdmin() async throws {
        var admin = DashboardClient(fixture: self.fixture)
        let page = try await admin.logIn(self.fixture.adminA)
        let csrf = try #require(DashboardClient.csrf(in: page.body))
        #expect(page.body.contains("action=\"/dashboard/targets\""))
        let fields = [("metric", "calls"), ("period", "2026-11"), ("scope", "team:dach"), ("value", "4321")]
        let missing = try await admin.post("/dashboard/targets", fields)
        #expect(missing.status == .forbidden)
        #expect(try self.target() == nil)
        var reader = DashboardClient(fixture: self.fixture)
        let readerPage = try await reader.logIn(self.fixture.readerA)
        #expect(!readerPage.body.contains("action=\"/dashboard/targets\""), "readers get no target forms")
        let denied = try await reader.post("/dashboard/targets", fields + [("csrf", try #require(DashboardClient.csrf(in: readerPage.body)))])
        #expect(denied.status == .forbidden)
        #expect(try self.target() == nil)
        let bad = try await admin.post("/dashboard/targets", [("csrf", csrf), ("metric", "calls"), ("period", "2026-11"),
                                                              ("scope", "team:dach"), ("value", "12e3x")])
        #expect(bad.status == .badRequest)
        let saved = try await admin.post("/dashboard/targets", fields + [("csrf", csrf)])
        #expect(saved.status == .seeOther, "\(saved.body)")
        #expect(try self.target() == 4321)
        let connection = try self.fixture.connect()
        defer { connection.close() }
        try connection.execute("DELETE FROM salesops.targets WHERE org_id = \(self.fixture.orgA.id) AND metric = 'calls' AND period = '2026-11' AND scope_kind = 'team'")
    }

    func target() throws -> Decimal? {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        return try connection.query("""
            SELECT value FROM salesops.targets WHERE org_id = \(self.fixture.orgA.id) AND metric = 'calls' AND period = '2026-11'
              AND scope_kind = 'team'
            """).singleRow()?.decode("value")
    }
}
