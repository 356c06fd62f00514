import Foundation
import Testing
import TestSupport

@Suite("/metrics exposes request counts and latencies by route and status, the pool's load and each org's night age")
struct MetricsRouteTests {
    let fixture = APIFixture.shared

    @Test("after requests, the scrape names their route and status, the pool gauges and the orgs' last succeeded night age")
    func scrape() async throws {
        _ = try await self.fixture.request(.get, "/v1/org", token: self.fixture.readerA)
        _ = try await self.fixture.request(.get, "/v1/org", token: nil)
        let scrape = try await self.fixture.request(.get, "/metrics", token: nil)
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
}
