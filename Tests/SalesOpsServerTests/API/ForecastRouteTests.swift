import Foundation
import HTTPTypes
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Forecast routes: history, backtest and quota plans over HTTP answer what the engine answers")
struct ForecastRouteTests {
    let fixture = APIFixture.shared

    @Test("GET /v1/forecast/history lists the nights' stored forecasts of a period and scope")
    func history() async throws {
        let own = try self.fixture.makeOwnOrg()  // materialized as of 2026-11-20
        let response = try await self.fixture.request(.get, "/v1/forecast/history?period=2026-11&scope=team:dach", token: own.reader)
        #expect(response.status == .ok, "\(response.body)")
        let forecasts = try #require(response.object["forecasts"] as? [[String: Any]])
        #expect(forecasts.map { $0["as_of"] as? String } == ["2026-11-20"])
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let shown = try connection.withTenant(own.org.id) { session in
            try ForecastEngine(session: session).forecast(period: "2026-11", scope: .team("dach"), asOf: LocalDate("2026-11-20")!)
        }
        #expect(response.body.contains("\"value\":\(shown.value),"), "\(response.body)")
        for (uri, status) in [("/v1/forecast/history?period=2026-W47", HTTPResponse.Status.badRequest),
                              ("/v1/forecast/history?period=2026-11-05", .badRequest),
                              ("/v1/forecast/history?period=2026-11&scope=team:nowhere", .notFound)] {
            #expect(try await self.fixture.request(.get, uri, token: own.reader).status == status, "\(uri)")
        }
    }

    @Test("GET /v1/forecast/backtest gives the engine's backtest; a bad kind or fraction is 400")
    func backtest() async throws {
        let response = try await self.fixture.request(.get, "/v1/forecast/backtest?period_kind=month&from=2026-09&to=2026-10",
                                                      token: self.fixture.readerA)
        #expect(response.status == .ok, "\(response.body)")
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let expected = try connection.withTenant(self.fixture.orgA.id) { session in
            try ForecastEngine(session: session).backtest(kind: "month", from: "2026-09", to: "2026-10", atFraction: 0.5, scope: .org)
        }
        let periods = try #require(response.object["periods"] as? [[String: Any]])
        #expect(periods.map { $0["label"] as? String } == ["2026-09", "2026-10"])
        for period in expected.periods {
            #expect(response.body.contains("\"model\":\(period.model),"), "\(period.label): \(response.body)")
        }
        for uri in ["/v1/forecast/backtest?period_kind=day", "/v1/forecast/backtest?period_kind=year&from=0001&to=0002", "/v1/forecast/backtest?period_kind=month&at_fraction=0",
                    "/v1/forecast/backtest?period_kind=month&at_fraction=half", "/v1/forecast/backtest"] {
            #expect(try await self.fixture.request(.get, uri, token: self.fixture.readerA).status == .badRequest, "\(uri)")
        }
    }

    @Test("a plan is drafted by readers and applied by admins once; other targets are replaced only when asked")
    func planAndApply() async throws {
        let own = try self.fixture.makeOwnOrg()
        let draft = try await self.fixture.request(.get, "/v1/plan/quotas?period=2026-12&total=100000", token: own.reader)
        #expect(draft.status == .ok, "\(draft.body)")
        // Cents, as JSON numbers arrive as doubles.
        let quotas = try #require(draft.object["reps"] as? [[String: Any]]).compactMap { ($0["quota"] as? NSNumber).map { Int(($0.doubleValue * 100).rounded()) } }
        #expect(!quotas.isEmpty && quotas.reduce(0, +) == 10_000_000)

        let body = #"{"period":"2026-12","total":100000}"#
        #expect(try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.reader, body: body).status == .forbidden)
        let applied = try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.admin, body: body)
        #expect(applied.status == .ok, "\(applied.body)")
        #expect((applied.object["targets_written"] as? Int).map { $0 > quotas.count } == true, "reps, teams and the org")
        let again = try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.admin, body: body)
        #expect(again.object["targets_written"] as? Int == 0)

        let other = #"{"period":"2026-12","total":90000}"#
        let refused = try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.admin, body: other)
        #expect(refused.status == .conflict && refused.body.contains("already has other revenue targets"), "\(refused.body)")
        let replaced = try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.admin,
                                                      body: #"{"period":"2026-12","total":90000,"replace":true}"#)
        #expect(replaced.status == .ok && (replaced.object["targets_written"] as? Int).map { $0 > 0 } == true, "\(replaced.body)")
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let stored: Decimal = try connection.withTenant(own.org.id) { session in
            try session.connection.query("""
                SELECT value FROM salesops.targets WHERE org_id = \(own.org.id) AND scope_kind = 'org' AND period = '2026-12' AND metric = 'revenue'
                """).rows[0].decode("value")
        }
        #expect(stored == 90_000)
        // Year 0001 once crashed the server: its trailing periods fell before year 1.
        for bad in [#"{"period":"2026-12","scope":"rep:r-anna"}"#, #"{"period":"2026-12","total":-1}"#, #"{"period":"soon"}"#,
                    #"{"period":"0001","replace":true}"#] {
            #expect(try await self.fixture.request(.post, "/v1/plan/quotas/apply", token: own.admin, body: bad).status == .badRequest, "\(bad)")
        }
    }
}
