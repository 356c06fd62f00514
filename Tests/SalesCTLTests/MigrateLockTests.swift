import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("migrate never waits for ever on a lock a tenant holds")
struct MigrateLockTests {
    @Test("a reader holding the migrator's advisory lock makes migrate exit 75 after its wait, naming the reader's session")
    func lockHeldByAReaderIsNamed() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        let role = "bi_lock_" + UUID().uuidString.prefix(8).lowercased()
        let granted = try SalesCTLProcess.run(["org", "grant-reader", "acme", "--role", role], database: database)
        #expect(granted.status == 0, "\(granted.stderr)")
        let reader = try database.connect(as: role)
        defer { reader.close() }
        _ = try reader.query("SELECT pg_advisory_lock(7340155001) AS locked")
        let started = Date()
        let blocked = try SalesCTLProcess.run(["migrate", "--lock-wait-seconds", "1"], database: database)
        #expect(blocked.status == 75, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("login \(role)"), "\(blocked.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        _ = try reader.query("SELECT pg_advisory_unlock(7340155001) AS unlocked")
        let free = try SalesCTLProcess.run(["migrate", "--lock-wait-seconds", "1"], database: database)
        #expect(free.status == 0, "\(free.stderr)")
    }
}
