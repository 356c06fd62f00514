import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Scheduler: each night succeeds exactly once")
struct SchedulerExactlyOnceTests {
    /// Five zones whose last due night at 2026-03-20T12:30Z is 2026-03-19 (hand-computed:
    /// Berlin 13:30, New York 08:30, Kolkata 18:00 on the 20th, Honolulu 02:30 on the 20th,
    /// Apia 01:30 on the 21st — before its 02:00, so its night of the 20th is not due yet).
    static let zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Honolulu", "Pacific/Apia"]

    @Test("three processes, five orgs in different zones, ten missed nights each: one success per (org, night), values as one materialize")
    func threeProcessesShareTheNights() throws {
        let fixture = try SchedulerFixture()
        var orgs: [Org] = []
        for (index, zone) in Self.zones.enumerated() {
            // Created on the 11th, local: nights from the 10th.
            orgs.append(try fixture.makeOrg("zone-\(index)", timezone: zone, createdLocally: "2026-03-11 12:00",
                                            seededUntil: "2026-03-19", seed: index + 1))
        }
        let processes = try (0..<3).map { _ in
            try fixture.startScheduler(["--once", "--clock-start", "2026-03-20T12:30:00Z", "--concurrency", "2"])
        }
        for process in processes {
            let outcome = process.wait()
            #expect(outcome.status == 0, "scheduler exited \(outcome.status): \(outcome.stderr)")
        }
        var workers = Set<String>()
        for org in orgs {
            let runs = try fixture.runs(of: org.slug)
            #expect(runs.map(\.night) == nights("2026-03-10", through: "2026-03-19"), "nights of \(org.slug)")
            #expect(runs.allSatisfy { $0.status == "succeeded" && $0.attempts == 1 }, "runs of \(org.slug): \(runs)")
            workers.formUnion(runs.map(\.worker))
            // One materialization over the union of the nights' windows, as of the last night,
            // finds nothing to change: the scheduled nights left exactly its values.
            let before = try fixture.factsDigest(of: org)
            #expect(try fixture.factCount(of: org) > 0)
            let report = try fixture.salesctl(["kpi", "materialize", "--org", org.slug, "--from", "2026-03-04", "--to", "2026-03-19"])
            #expect(report.contains(" 0 fact rows written"), "\(org.slug): \(report)")
            #expect(try fixture.factsDigest(of: org) == before)
        }
        #expect(workers.count >= 2, "the nights were not shared between processes: \(workers)")
    }
}
