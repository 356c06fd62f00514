import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("/metrics exposes request counts and latencies by route and status, the pool's load and each org's night age, to the operator only")
struct MetricsRouteTests {
    let fixture = APIFixture.shared

    @Test("after requests, the scrape names their route and status, the pool gauges and the orgs' last succeeded night age")
    func scrape() async throws {
        _ = try await self.fixture.request(.get, "/v1/org", token: self.fixture.readerA)
        _ = try await self.fixture.request(.get, "/v1/org", token: nil)
        let scrape = try await self.operatorScrape()
        #expect(scrape.status == .ok)
        #expect(scrape.headers[.contentType]?.hasPrefix("text/plain") == true)
        let lines = scrape.body.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("salesops_http_requests_total{") && $0.contains("route=\"/v1/org\"") && $0.contains("status=\"200\"") })
        #expect(lines.contains { $0.hasPrefix("salesops_http_requests_total{") && $0.contains("route=\"/v1/org\"") && $0.contains("status=\"401\"") })
        #expect(lines.contains { $0.hasPrefix("salesops_http_request_duration_seconds_bucket{") && $0.contains("route=\"/v1/org\"") })
        #expect(lines.contains { $0.hasPrefix("salesops_db_pool_in_use ") })
        #expect(lines.contains { $0.hasPrefix("salesops_db_pool_waiting ") })
        for org in [self.fixture.orgA, self.fixture.orgB] {
            let line = try #require(lines.first { $0.hasPrefix("salesops_org_last_succeeded_night_age_seconds{org=\"\(org.slug)\"}") })
            let age = try #require(Double(line.split(separator: " ").last ?? ""))
            #expect(age >= 0)
        }
    }

    /// GET /metrics on the operator's listener.
    func operatorScrape() async throws -> TestResponse {
        try await self.fixture.server.operatorApplication().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                TestResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
            }
        }
    }

    @Test("the tenants' listener does not serve /metrics: neither an anonymous caller nor a tenant's token sees other orgs' names")
    func tenantsCannotScrape() async throws {
        _ = try await self.operatorScrape()
        for token in [nil, self.fixture.readerA, self.fixture.adminA] {
            let response = try await self.fixture.request(.get, "/metrics", token: token)
            #expect(response.status == .notFound, "token \(token == nil ? "none" : "of org A")")
            #expect(!response.body.contains(self.fixture.orgB.slug))
            #expect(!response.body.contains("salesops_org_last_succeeded_night_age"))
        }
    }
}
