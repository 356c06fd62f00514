import Foundation
import HTTPTypes
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The forecast card, the Forecast tab and the admins' Plan tab.
@Suite("Dashboard forecasts and plans: the card and tab show the engine's numbers; only admins plan, through a CSRF-checked form")
struct DashboardForecastTests {
    let fixture = APIFixture.shared

    @Test("the overview's forecast card shows the kept forecast; the Forecast tab the engine's forecast, parts and backtest")
    func cardAndTab() async throws {
        let own = try self.fixture.makeOwnOrg()  // materialized as of 2026-11-20
        var client = DashboardClient(fixture: self.fixture)
        _ = try await client.logIn(own.reader)
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let (kept, live) = try connection.withTenant(own.org.id) { session in
            let engine = ForecastEngine(session: session)
            return (try engine.history(period: "2026-11", scope: .team("dach")).last,
                    try engine.forecast(period: "2026-11", scope: .team("dach"), asOf: LocalDate("2026-11-20")!))
        }
        let stored = try #require(kept)
        #expect(stored.value == live.value, "the night's forecast is the forecast as of that night")

        let overview = try await client.get("/dashboard/overview?period=2026-11&scope=team:dach")
        #expect(overview.status == .ok)
        #expect(overview.body.contains("<article class=\"card forecast-card\">"))
        #expect(overview.body.contains("data-value=\"\(stored.value)\""), "\(overview.body)")
        #expect(!overview.body.contains("/dashboard/plan"), "a reader's tabs have no Plan")

        let tab = try await client.get("/dashboard/forecast?period=2026-11&scope=team:dach")
        #expect(tab.status == .ok, "\(tab.body)")
        #expect(tab.body.contains("<span class=\"value\" data-value=\"\(live.value)\">"), "\(tab.body)")
        #expect(tab.body.contains("Forecast as of 2026-11-20"))
        #expect(tab.body.contains("<table class=\"forecast-parts\">") && tab.body.contains("<table class=\"backtest-summary\">"))
        #expect(tab.body.contains("<tr data-method=\"run_rate\">"))
        #expect(tab.body.contains("<table class=\"forecast-nights\">"))
        // A day has no forecast: the tab says what to pick.
        let day = try await client.get("/dashboard/forecast?period=2026-11-20")
        #expect(day.status == .ok && day.body.contains("Forecasts are made for weeks, months, quarters and fiscal years"))
    }

    @Test("readers cannot open the Plan tab; an admin drafts, applies once through the CSRF form, and a forged form is refused")
    func planTab() async throws {
        let own = try self.fixture.makeOwnOrg()
        var reader = DashboardClient(fixture: self.fixture)
        _ = try await reader.logIn(own.reader)
        #expect(try await reader.get("/dashboard/plan?period=2026-11").status == .forbidden)

        var admin = DashboardClient(fixture: self.fixture)
        _ = try await admin.logIn(own.admin)
        let page = try await admin.get("/dashboard/plan?period=2026-11&total=90000")
        #expect(page.status == .ok, "\(page.body)")
        #expect(page.body.contains("Quota plan for 2026-12") && page.body.contains("<table class=\"plan\">"))
        let quotas = try NSRegularExpression(pattern: #"data-quota="([0-9.]+)""#)
            .matches(in: page.body, range: NSRange(page.body.startIndex..., in: page.body))
            .map { Decimal(string: String(page.body[Range($0.range(at: 1), in: page.body)!]))! }
        #expect(!quotas.isEmpty && quotas.reduce(0, +) == 90_000, "the total split to the cent")
        let csrf = try #require(DashboardClient.csrf(in: page.body))
        let form = [("period", "2026-11"), ("scope", "org"), ("plan", "2026-12"), ("total", "90000")]

        #expect(try await admin.post("/dashboard/plan", form).status == .forbidden, "no CSRF token")
        #expect(try await reader.post("/dashboard/plan", form + [("csrf", csrf)]).status == .forbidden, "another session's token")
        let applied = try await admin.post("/dashboard/plan", form + [("csrf", csrf)])
        #expect(applied.status == .seeOther)
        let location = applied.headers[.location] ?? ""
        #expect(location.contains("applied=") && !location.contains("applied=0"), "\(location)")
        let again = try await admin.post("/dashboard/plan", form + [("csrf", csrf)])
        #expect(again.headers[.location]?.contains("applied=0") == true, "the same plan again writes nothing")
        let shown = try await admin.get(again.headers[.location] ?? "")
        #expect(shown.body.contains("Applied: 0 targets written."))
        let other = try await admin.post("/dashboard/plan", [("period", "2026-11"), ("scope", "org"), ("plan", "2026-12"),
                                                             ("total", "80000"), ("csrf", csrf)])
        #expect(other.status == .conflict && other.body.contains("already has other revenue targets"))
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let total: Decimal = try connection.withTenant(own.org.id) { session in
            try session.connection.query("""
                SELECT value FROM salesops.targets WHERE org_id = \(own.org.id) AND scope_kind = 'org' AND metric = 'revenue' AND period = '2026-12'
                """).rows[0].decode("value")
        }
        #expect(total == 90_000)
    }
}
