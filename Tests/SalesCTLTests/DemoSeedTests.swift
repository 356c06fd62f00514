import Foundation
import Testing
import TestSupport

@Suite("salesctl demo seed")
struct DemoSeedTests {
    @Test("seeding is deterministic, passes every import check, and a second seed changes nothing")
    func deterministicAndIdempotent() throws {
        let first = try TestDatabase.migrated()
        let second = try TestDatabase.migrated()
        var outputs: [String] = []
        for database in [first, second] {
            #expect(try SalesCTLProcess.run(["org", "create", "demo", "--name", "Demo", "--timezone", "Asia/Kolkata"], database: database).status == 0)
            let seeded = try SalesCTLProcess.run(["demo", "seed", "--org", "demo", "--reps", "8", "--days", "60", "--seed", "42",
                                                  "--last-day", "2026-11-22"], database: database)
            #expect(seeded.status == 0, "\(seeded.stderr)")
            outputs.append(seeded.stdout)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].contains("deals: ") && outputs[0].contains("stage_changes: "))
        let again = try SalesCTLProcess.run(["demo", "seed", "--org", "demo", "--reps", "8", "--days", "60", "--seed", "42",
                                             "--last-day", "2026-11-22"], database: first)
        let counts = again.stdout.split(separator: "\n").filter { $0.contains(" rows, ") }
        #expect(counts.count == 12)
        #expect(counts.allSatisfy { $0.hasSuffix(" 0 inserted, 0 updated") }, "\(counts)")

        let materialized = try SalesCTLProcess.run(["kpi", "materialize", "--org", "demo", "--from", "2026-11-01", "--to", "2026-11-22"],
                                                   database: first)
        #expect(materialized.status == 0, "\(materialized.stderr)")
        let shown = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--metric", "opportunities_created", "--csv"],
                                            database: first)
        let created = shown.stdout.split(separator: "\n").last.map { $0.split(separator: ",")[1] }
        #expect(created.flatMap { Int($0) }.map { $0 > 0 } == true, "\(shown.stdout)")
    }
}
