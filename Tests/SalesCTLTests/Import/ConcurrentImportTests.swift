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
}
