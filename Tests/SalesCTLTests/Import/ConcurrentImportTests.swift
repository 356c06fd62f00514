import Foundation
import Testing
import TestSupport

@Suite("Concurrent imports of the same keys queue; they never deadlock")
struct ConcurrentImportTests {
    @Test("two imports of the same 3,000 teams in opposite row order, four times over, all exit 0")
    func oppositeOrders() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concurrent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.url
        for round in 0..<4 {
            let rows = (0..<3000).map { "t-\($0),Team \($0) round \(round)\n" }
            let forward = folder.appendingPathComponent("forward-\(round).csv")
            let backward = folder.appendingPathComponent("backward-\(round).csv")
            try Data(("external_id,name\n" + rows.joined()).utf8).write(to: forward)
            try Data(("external_id,name\n" + rows.reversed().joined()).utf8).write(to: backward)
            let first = try BackgroundProcess(SalesCTLProcess.binary, ["import", "teams", "--org", "acme", forward.path],
                                              environment: environment)
            let second = try BackgroundProcess(SalesCTLProcess.binary, ["import", "teams", "--org", "acme", backward.path],
                                               environment: environment)
            for process in [first, second] {
                let outcome = try #require(process.wait(timeout: .seconds(120)))
                #expect(outcome.status == 0, "round \(round): \(outcome.stderr)")
            }
        }
    }

    @Test("two imports of the same 2,000 new deals at once: one inserts them, the other runs again and finds them; both exit 0")
    func sameNewDeals() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        for kind in ["teams", "reps", "accounts", "stages"] {
            let path = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind).csv").path
            #expect(try SalesCTLProcess.run(["import", kind, "--org", "acme", path], database: database).status == 0)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concurrent-deals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.url
        let header = "external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at\n"
        let rows = (0..<2000).map { "d-\($0),Deal \($0),a-bosch,r-anna,New Business,Qualification,\($0).50,2026-06-02T09:00:00Z\n" }
        let forward = folder.appendingPathComponent("forward.csv"), backward = folder.appendingPathComponent("backward.csv")
        try Data((header + rows.joined()).utf8).write(to: forward)
        try Data((header + rows.reversed().joined()).utf8).write(to: backward)
        let processes = try [forward, backward].map {
            try BackgroundProcess(SalesCTLProcess.binary, ["import", "deals", "--org", "acme", $0.path], environment: environment)
        }
        var inserted = 0
        for process in processes {
            let outcome = try #require(process.wait(timeout: .seconds(120)))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            if let match = outcome.stdout.firstMatch(of: /: (\d+) inserted/) { inserted += Int(match.1) ?? 0 }
        }
        #expect(inserted == 2000, "the two imports inserted \(inserted) deals between them")
        let rerun = try SalesCTLProcess.run(["import", "deals", "--org", "acme", forward.path], database: database)
        #expect(rerun.stdout.contains("0 inserted, 0 updated, 2000 unchanged"), "\(rerun.stdout)")
    }
}
