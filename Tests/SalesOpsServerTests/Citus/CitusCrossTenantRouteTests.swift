import Testing
import TestSupport

/// The document-driven cross-tenant test on a Citus cluster: every `/v1/` operation, called
/// with one org's tokens on another org's ids, through a server logged in as the product's
/// login under every policy, with multi-shard statements refused — so a route that fans out
/// across shards answers 500 and fails the test.
@Suite("Every API route on a Citus cluster stays in its org's shard group",
       .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusCrossTenantRouteTests {
    @Test("every operation, with org W's tokens on org B's ids: none of B's values, nothing of B changed, no server error")
    func noRouteCrossesOrgsOrShards() async throws {
        try await CrossTenantTests.checkNoRouteCrossesOrgs(APIFixture.onCitus)
    }

    @Test("org B's own reader sees its marked names on the cluster (the check above can fail)")
    func markersAreVisible() async throws {
        let fixture = APIFixture.onCitus
        let teams = try await fixture.request(.get, "/v1/teams", token: fixture.readerB)
        #expect(teams.status == .ok, "\(teams.body)")
        #expect(teams.body.contains(APIFixture.markerOfB))
        let kpis = try await fixture.request(.get, "/v1/kpis?period=2026-11&metric=revenue", token: fixture.readerB)
        #expect(kpis.body.contains(APIFixture.targetOfB), "\(kpis.body)")
    }
}
