import Foundation
import HTTPTypes
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// The dashboard against hostile input and another org's credentials.
@Suite("Dashboard under hostile input: huge or malformed forms and cookies, another org's admin, concurrent logins")
struct DashboardHostileInputTests {
    let fixture = APIFixture.shared

    @Test("GET / leads to the dashboard, which leads a visitor without a session to its login")
    func rootLeadsToTheDashboard() async throws {
        let root = try await self.fixture.request(.get, "/", token: nil)
        #expect(root.status == .seeOther && root.headers[.location] == "/dashboard", "\(root.status)")
        let dashboard = try await self.fixture.request(.get, "/dashboard", token: nil)
        #expect(dashboard.status == .seeOther && dashboard.headers[.location] == "/dashboard/overview")
    }

    @Test("a form over 16 KiB is 413, a form of another media type 415, and neither logs in")
    func boundedForms() async throws {
        var client = DashboardClient(fixture: self.fixture)
        let form = try await client.get("/dashboard/login")
        let nonce = try #require(DashboardClient.csrf(in: form.body))
        let huge = try await client.post("/dashboard/login", [("csrf", nonce), ("token", String(repeating: "x", count: 64 * 1024))])
        #expect(huge.status == .contentTooLarge)
        var headers = client.cookieHeader
        headers[.contentType] = "application/json"
        let json = try await self.fixture.request(.post, "/dashboard/login", token: nil, headers: headers,
                                                  body: "{\"token\":\"\(self.fixture.readerA)\"}")
        #expect(json.status == .unsupportedMediaType)
        #expect(client.cookies["salesops_session"] == nil)
    }

    @Test("malformed, huge or guessed session cookies lead to the login page")
    func badCookies() async throws {
        for cookie in ["salesops_session=", "salesops_session=\(String(repeating: "A", count: 43))",
                       "salesops_session=\(String(repeating: "é", count: 43))", "salesops_session=\(String(repeating: "a", count: 8000))",
                       "salesops_session=../../etc; salesops_session=x", "salesops_session=\(self.fixture.readerA)"] {
            let response = try await self.fixture.request(.get, "/dashboard/overview", token: nil, headers: [.cookie: cookie])
            #expect(response.status == .seeOther && response.headers[.location] == "/dashboard/login", "\(cookie.prefix(40))")
        }
        // A bearer token is not a session: the dashboard only reads its cookie.
        let bearer = try await self.fixture.request(.get, "/dashboard/overview", token: self.fixture.readerA)
        #expect(bearer.headers[.location] == "/dashboard/login")
    }

    @Test("org W's admin setting targets with org B's ids changes nothing of B")
    func targetsStayInTheSessionsOrg() async throws {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let before = try TenantCatalog.fingerprint(connection, orgID: self.fixture.orgB.id)
        var admin = DashboardClient(fixture: self.fixture)
        let page = try await admin.logIn(self.fixture.adminW)
        let csrf = try #require(DashboardClient.csrf(in: page.body))
        for scope in ["org", "team:dach", "rep:r-anna"] {
            let response = try await admin.post("/dashboard/targets", [("csrf", csrf), ("metric", "proposals_sent"), ("period", "2026-11"),
                                                                       ("scope", scope), ("value", "7")])
            #expect(response.status == .seeOther, "\(scope): \(response.body)")
        }
        #expect(try TenantCatalog.fingerprint(connection, orgID: self.fixture.orgB.id) == before)
        let written: Int = try connection.query("""
            SELECT count(*) AS n FROM salesops.targets WHERE org_id = \(self.fixture.orgW.id) AND metric = 'proposals_sent'
            """).rows[0].decode("n")
        #expect(written == 3)
        try connection.execute("DELETE FROM salesops.targets WHERE org_id = \(self.fixture.orgW.id) AND metric = 'proposals_sent'")
    }

    @Test("the target form refuses anything that is not exactly one number (1-2, --5, 12-34.5-6, 1e3) and saves nothing")
    func malformedTargetValuesAreRefused() async throws {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        var admin = DashboardClient(fixture: self.fixture)
        let page = try await admin.logIn(self.fixture.adminW)
        let csrf = try #require(DashboardClient.csrf(in: page.body))
        for value in ["1-2", "--5", "12-34.5-6", "1e3", "5.", ".5", "1,000", "7 apples", "-", ""] {
            let response = try await admin.post("/dashboard/targets", [("csrf", csrf), ("metric", "deals_lost"), ("period", "2026-11"),
                                                                       ("scope", "org"), ("value", value)])
            #expect(response.status == .badRequest, "'\(value)': \(response.status)")
        }
        let written: Int = try connection.query("""
            SELECT count(*) AS n FROM salesops.targets WHERE org_id = \(self.fixture.orgW.id) AND metric = 'deals_lost'
            """).rows[0].decode("n")
        #expect(written == 0)
        let accepted = try await admin.post("/dashboard/targets", [("csrf", csrf), ("metric", "deals_lost"), ("period", "2026-11"),
                                                                   ("scope", "org"), ("value", " 12.50 ")])
        #expect(accepted.status == .seeOther)
        let stored: String = try connection.query("""
            SELECT value::text AS v FROM salesops.targets WHERE org_id = \(self.fixture.orgW.id) AND metric = 'deals_lost'
            """).rows[0].decode("v")
        #expect(Decimal(string: stored) == Decimal(string: "12.5"))
        try connection.execute("DELETE FROM salesops.targets WHERE org_id = \(self.fixture.orgW.id) AND metric = 'deals_lost'")
    }

    @Test("concurrent logins with one token get distinct sessions, each live, each ended alone")
    func concurrentLogins() async throws {
        let fixture = self.fixture
        let clients = try await withThrowingTaskGroup(of: DashboardClient.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var client = DashboardClient(fixture: fixture)
                    let overview = try await client.logIn(fixture.readerA)
                    #expect(overview.status == .ok)
                    return client
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(clients.compactMap { $0.cookies["salesops_session"] }).count == 8)
        var first = clients[0], second = clients[1]
        let page = try await first.get("/dashboard/overview")
        _ = try await first.post("/dashboard/logout", [("csrf", try #require(DashboardClient.csrf(in: page.body)))])
        #expect(try await first.get("/dashboard/overview").headers[.location] == "/dashboard/login")
        #expect(try await second.get("/dashboard/overview").status == .ok)
    }
}
