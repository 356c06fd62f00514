import Foundation
import HTTPTypes
import PostgresClient
import Testing
import TestSupport

/// `GET /v1/kpis/explain`: the records behind a number, with totals equal to the stored fact.
@Suite("GET /v1/kpis/explain lists the records behind a number, paged, with totals equal to the stored fact")
struct ExplainRouteTests {
    let fixture = APIFixture.shared

    func number(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }

    @Test("win_rate of November: numerator and denominator totals equal the stored ones; pages of 3 cover every record once")
    func winRate() async throws {
        let uri = "/v1/kpis/explain?period=2026-11&metric=win_rate&limit=3"
        let response = try await self.fixture.request(.get, uri, token: self.fixture.readerA)
        #expect(response.status == .ok, "\(response.body)")
        let object = response.object
        let stored = try #require(object["materialized"] as? [String: Any])
        #expect(self.number(object["numerator"]) == self.number(stored["numerator"]))
        #expect(self.number(object["denominator"]) == self.number(stored["denominator"]))
        #expect((self.number(object["denominator"]) ?? 0) > 0)
        let sides = try #require(object["sides"] as? [[String: Any]])
        #expect(sides.map { $0["name"] as? String } == ["numerator", "denominator"])
        let denominator = sides[1]
        let total = try #require(denominator["record_count"] as? Int)
        var seen: [String] = []
        var offset = 0
        while offset < total {
            let page = try await self.fixture.request(.get, uri + "&offset=\(offset)", token: self.fixture.readerA)
            let side = try #require((page.object["sides"] as? [[String: Any]])?[1])
            let columns = try #require(side["columns"] as? [String])
            let records = try #require(side["records"] as? [[Any]])
            #expect(records.count == min(3, total - offset))
            let deal = try #require(columns.firstIndex(of: "deal"))
            seen += records.compactMap { $0[deal] as? String }
            offset += 3
        }
        #expect(seen.count == total && Set(seen).count == total)
    }

    @Test("a derived metric lists its inputs; a stage metric needs a stage; leads need a dimension; bad pages are 400")
    func shapesAndErrors() async throws {
        let velocity = try await self.fixture.request(.get, "/v1/kpis/explain?period=2026-11&metric=pipeline_velocity",
                                                      token: self.fixture.readerA)
        #expect(velocity.status == .ok)
        let inputs = try #require(velocity.object["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["metric"] as? String } == ["open_opportunities", "win_rate", "average_deal_size", "sales_cycle_days"])
        let stage = try await self.fixture.request(.get, "/v1/kpis/explain?period=2026-11&metric=stage_entries&stage=New%20Business/Discovery",
                                                   token: self.fixture.readerA)
        #expect(stage.status == .ok, "\(stage.body)")
        #expect(stage.object["value"] != nil)
        for (uri, status) in [("metric=stage_entries", 400), ("metric=leads", 400), ("metric=revenue&limit=0", 400),
                              ("metric=revenue&offset=-1", 400), ("metric=no_such_metric", 400),
                              ("metric=revenue&dimension=region", 400), ("metric=headcount_end&scope=rep:r-anna", 400),
                              ("metric=stage_entries&stage=Nope/Nothing", 404),
                              ("metric=stage_entries&stage=" + String(repeating: "S", count: 5000), 400),
                              ("metric=revenue&dimension=region&key=%00", 400), ("metric=revenue&limit=1001", 400),
                              ("metric=revenue&offset=99999999999999999999", 400), ("metric=revenue&limit=ten", 400)] {
            let response = try await self.fixture.request(.get, "/v1/kpis/explain?period=2026-11&" + uri, token: self.fixture.readerA)
            #expect(response.status.code == status, "\(uri): \(response.status) \(response.body)")
            #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
        }
        let leads = try await self.fixture.request(.get, "/v1/kpis/explain?period=2026-11&metric=leads&dimension=lifecycle_stage&key=mql",
                                                   token: self.fixture.readerA)
        #expect(leads.status == .ok)
        #expect(self.number(leads.object["value"]) == self.number((leads.object["materialized"] as? [String: Any])?["value"]) )
    }
}
