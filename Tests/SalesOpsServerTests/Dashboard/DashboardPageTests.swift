import Foundation
import HTTPTypes
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// What the dashboard's pages show, and what they never show.
@Suite("Dashboard pages: the API's numbers, explain links that add up, escaping, no other org's data")
struct DashboardPageTests {
    let fixture = APIFixture.shared

    /// `data-value` of each card, by metric.
    static func cardValues(_ page: String) -> [String: Decimal] {
        let pattern = try! NSRegularExpression(pattern: #"<article class="card" data-metric="([a-z_]+)">.*?data-value="([^"]*)""#,
                                               options: [.dotMatchesLineSeparators])
        var values: [String: Decimal] = [:]
        for match in pattern.matches(in: page, range: NSRange(page.startIndex..., in: page)) {
            let metric = String(page[Range(match.range(at: 1), in: page)!])
            values[metric] = Decimal(string: String(page[Range(match.range(at: 2), in: page)!]))
        }
        return values
    }

    @Test("the overview's cards carry the API's values; each card links to an explain view whose records add up to the number")
    func cardsMatchTheAPIAndExplain() async throws {
        var client = DashboardClient(fixture: self.fixture)
        let page = try await client.get("/dashboard/overview?period=2026-11&scope=team:dach")
        #expect(page.status == .seeOther)
        _ = try await client.logIn(self.fixture.readerA)
        let overview = try await client.get("/dashboard/overview?period=2026-11&scope=team:dach")
        #expect(overview.status == .ok)
        let cards = Self.cardValues(overview.body)
        #expect(cards.count == 8)
        let api = try await self.fixture.request(.get, "/v1/kpis?period=2026-11&scope=team:dach", token: self.fixture.readerA)
        for reading in try #require(api.object["metrics"] as? [[String: Any]]) {
            guard let metric = reading["metric"] as? String, let shown = cards[metric] else { continue }
            #expect(shown == (reading["value"] as? NSNumber).flatMap { Decimal(string: $0.stringValue) }, "\(metric)")
        }
        #expect(overview.body.contains("<svg class=\"trend\""))
        #expect(overview.body.contains("<title id=\"trend-0-t\">") && overview.body.contains("<desc id=\"trend-0-d\">"))
        let leaderboard = try await client.get("/dashboard/leaderboard?period=2026-11&scope=team:dach&metric=win_rate&by=rep")
        #expect(leaderboard.body.contains("class=\"leaderboard\"") && leaderboard.body.contains("Win rate by rep"))
        let funnel = try await client.get("/dashboard/funnel?period=2026-11")
        #expect(funnel.body.contains("class=\"funnel\"") && funnel.body.contains("stage=New%20Business%2FDiscovery"))
        let breakdowns = try await client.get("/dashboard/breakdowns?period=2026-11&scope=team:dach")
        #expect(breakdowns.body.contains("dimension=region") && breakdowns.body.contains("<svg class=\"bars\""))
        #expect(overview.body.contains("Data as of <strong>2026-11-20</strong>"))
        #expect(!overview.body.contains("<script"), "pages work without script")
        #expect(!overview.body.contains("http://") || !overview.body.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!overview.body.contains("https://"), "nothing loads from outside the server")
        // Revenue's link: its one side's total is the card's number.
        let revenueLink = try #require(DashboardClient.links(in: overview.body).first { $0.contains("metric=revenue") && $0.hasPrefix("/dashboard/explain") })
        let explain = try await client.get(revenueLink)
        #expect(explain.status == .ok)
        #expect(explain.body.contains("data-total=\"\(cards["revenue"]!)\""), "\(revenueLink)")
        #expect(explain.body.contains("equals the number the run of 2026-11-20 stored"))
    }

    @Test("text from the data is escaped: a team named with markup shows as text")
    func escaping() async throws {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let org = try SharedDatabase.makeOrg(on: connection)
        _ = try ImportTeams.load(connection, org: org, csv: "external_id,name\nx-team,\"<script>alert('x')</script> & <b>co</b>\"\n")
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-11-02")!, to: LocalDate("2026-11-02")!)
        let token = try TokenRepository(connection: connection).create(orgID: org.id, name: "escape", role: .reader, expiresInDays: nil)
        var client = DashboardClient(fixture: self.fixture)
        let page = try await client.logIn(token.secret)
        #expect(page.status == .ok)
        #expect(!page.body.contains("<script>alert"))
        #expect(!page.body.contains("<b>co</b>"))
        #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;"))
    }

    @Test("a reader of org W reaches nothing of org B: every page and link, B's ids in every parameter",
          arguments: FixtureKind.allCases)
    func noPageCrossesOrgs(_ kind: FixtureKind) async throws {
        let fixture = APIFixture.of(kind)
        var client = DashboardClient(fixture: fixture)
        let first = try await client.logIn(fixture.readerW)
        #expect(first.status == .ok)
        // The ids are shared by all three orgs (the same demo files); only B's names and target are marked.
        var queue = ["/dashboard/overview", "/dashboard/leaderboard?period=2026-11&scope=team:dach&by=team",
                     "/dashboard/leaderboard?period=2026-11-20&scope=rep:r-anna&metric=win_rate",
                     "/dashboard/funnel?period=2026-11", "/dashboard/breakdowns?period=2026-11&scope=team:dach",
                     "/dashboard/overview?period=2026-Q3&scope=team:emea", "/dashboard/overview?period=2026",
                     "/dashboard/explain?period=2026-11&metric=revenue&scope=rep:r-anna",
                     "/dashboard/explain?period=2026-11&metric=headcount_end&scope=team:dach"]
        var seen = Set<String>()
        var pages = 0
        while let uri = queue.first, pages < 120 {
            queue.removeFirst()
            guard seen.insert(uri).inserted else { continue }
            let response = try await client.get(uri)
            pages += 1
            #expect(response.status.code < 500, "\(uri): \(response.status)")
            #expect(!response.body.contains(APIFixture.markerOfB), "\(uri) shows org B's names")
            #expect(!response.body.contains(APIFixture.targetOfB) && !response.body.contains(Self.targetOfBShown),
                    "\(uri) shows org B's target")
            queue += DashboardClient.links(in: response.body).filter { !seen.contains($0) && $0.hasPrefix("/dashboard/") }
        }
        #expect(pages >= 60, "crawled only \(pages) pages")
        // The same check shows B's names to B's own reader (it can fail).
        var own = DashboardClient(fixture: fixture)
        let ownPage = try await own.logIn(fixture.readerB)
        #expect(ownPage.body.contains(APIFixture.markerOfB))
        let ownOverview = try await own.get("/dashboard/overview?period=2026-11")
        #expect(ownOverview.body.contains(Self.targetOfBShown))
    }

    /// B's marked target as the page formats it.
    static let targetOfBShown = "987,654,321"
}

/// Loads a teams CSV into an org.
enum ImportTeams {
    static func load(_ connection: Connection, org: Org, csv: String) throws -> ImportReport {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teams-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Importer(connection: connection).run(.teams, orgID: org.id, handle: try FileHandle(forReadingFrom: url), fileName: "teams.csv")
    }
}
