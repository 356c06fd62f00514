import Foundation
import HTTPTypes
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Forecast routes: history and quota plans over HTTP answer what the engine answers")
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

    @Test("GET /v1/plan/quotas drafts a plan whose quotas split the total to the cent; bad input is 400")
    func plan() async throws {
        let own = try self.fixture.makeOwnOrg()
        let draft = try await self.fixture.request(.get, "/v1/plan/quotas?period=2026-12&total=100000", token: own.reader)
        #expect(draft.status == .ok, "\(draft.body)")
        // Cents, as JSON numbers arrive as doubles.
        let quotas = try #require(draft.object["reps"] as? [[String: Any]]).compactMap { ($0["quota"] as? NSNumber).map { Int(($0.doubleValue * 100).rounded()) } }
        #expect(!quotas.isEmpty && quotas.reduce(0, +) == 10_000_000)

        for bad in ["/v1/plan/quotas?period=2026-12&scope=rep:r-anna", "/v1/plan/quotas?period=2026-12&total=-1",
                    "/v1/plan/quotas?period=0001"] {  // year 0001 once crashed the server: its trailing periods fell before year 1
            #expect(try await self.fixture.request(.get, bad, token: own.reader).status == .badRequest, "\(bad)")
        }
    }
}
