import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// The nightly scheduler against a Citus coordinator: the run records and leases live there
/// (`CitusLayout`), so claiming across orgs is one node's statement while each night's
/// materialization is routed to its org's node.
@Suite("Scheduler on a Citus cluster: each night succeeds exactly once", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusSchedulerTests {
    @Test("two schedulers against the coordinator, three orgs in different zones: one success per (org, night), values as one materialize")
    func twoSchedulersShareTheNights() throws {
        let database = try CitusTestCluster.database()
        let migrated = try CitusTestCluster.exclusively { try SalesCTLProcess.run(["migrate"], database: database) }
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("Citus cluster:"), "\(migrated.stdout)")
        // The schedulers and salesctl run as a deployment's product login, under every policy.
        let product = TestDatabase(name: database.name, url: database.url(as: try CitusTestCluster.productLogin(on: database)))
        let fixture = try SchedulerFixture(database: product, admin: database)
        let zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"]
        var orgs: [Org] = []
        for (index, zone) in zones.enumerated() {
            orgs.append(try fixture.makeOrg("zone-\(index)", timezone: zone, createdLocally: "2026-03-14 12:00",
                                            seededUntil: "2026-03-19", seed: index + 1))
        }
        let placements: [String: String] = try Dictionary(uniqueKeysWithValues: fixture.connection.query("""
            SELECT p.logicalrelid::regclass::text AS name, CASE WHEN p.partmethod = 'h' THEN 'distributed' ELSE 'local' END AS placement
            FROM pg_dist_partition p WHERE p.logicalrelid::regclass::text IN ('salesops.scheduler_runs', 'salesops.scheduler_leases')
            """).rows.map { (try $0.decode("name"), try $0.decode("placement")) })
        #expect(placements == ["salesops.scheduler_runs": "local", "salesops.scheduler_leases": "local"])
        let processes = try (0..<2).map { _ in
            try fixture.startScheduler(["--once", "--clock-start", "2026-03-20T12:30:00Z", "--concurrency", "2"])
        }
        for process in processes {
            let outcome = process.wait()
            #expect(outcome.status == 0, "scheduler exited \(outcome.status): \(outcome.stderr)")
        }
        var workers = Set<String>()
        for org in orgs {
            let runs = try fixture.runs(of: org.slug)
            #expect(runs.map(\.night) == nights("2026-03-13", through: "2026-03-19"), "nights of \(org.slug)")
            #expect(runs.allSatisfy { $0.status == "succeeded" && $0.attempts == 1 }, "runs of \(org.slug): \(runs)")
            workers.formUnion(runs.map(\.worker))
            let before = try fixture.factsDigest(of: org)
            #expect(try fixture.factCount(of: org) > 0)
            let report = try fixture.salesctl(["kpi", "materialize", "--org", org.slug, "--from", "2026-03-07", "--to", "2026-03-19"])
            #expect(report.contains(" 0 fact rows written"), "\(org.slug): \(report)")
            #expect(try fixture.factsDigest(of: org) == before)
        }
        #expect(workers.count == 2, "the nights were not shared between the schedulers: \(workers)")
    }
}
