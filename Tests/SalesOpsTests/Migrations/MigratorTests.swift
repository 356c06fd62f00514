import Dispatch
import Foundation
import PostgresClient
import SalesOps
import Synchronization
import Testing
import TestSupport

@Suite("Schema files apply once each, in order, under a lock, with checksums")
struct MigratorTests {
    @Test("a fresh database gets every file once; a second run applies nothing")
    func appliesOnce() throws {
        let connection = try TestDatabase.empty().connect()
        let migrator = Migrator(files: TestCluster.migrationFiles)
        let applied = try migrator.migrate(on: connection)
        #expect(applied.map(\.version) == TestCluster.migrationFiles.map(\.version))
        #expect(try migrator.migrate(on: connection).isEmpty)
        #expect(try migrator.status(on: connection).allSatisfy { $0.state == .applied })
    }

    @Test("two concurrent migrators both succeed and the schema is applied exactly once")
    func concurrentMigrations() throws {
        let database = try TestDatabase.empty()
        let results = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let connection = try database.connect()
                let count = try Migrator(files: TestCluster.migrationFiles).migrate(on: connection).count
                results.withLock { $0.append("applied \(count)") }
            } catch {
                results.withLock { $0.append("failed: \(String(reflecting: error))") }
            }
        }
        #expect(results.withLock { $0 }.sorted() == ["applied 0", "applied \(TestCluster.migrationFiles.count)"])
        let recorded = try database.connect().query("SELECT count(*) AS n FROM salesops_meta.schema_migrations").rows[0]
        #expect(try recorded.decode("n", as: Int.self) == TestCluster.migrationFiles.count)
    }

    @Test("an applied file that was edited is reported and stops the run")
    func editedFileIsReported() throws {
        let connection = try TestDatabase.empty().connect()
        try Migrator(files: TestCluster.migrationFiles).migrate(on: connection)
        var files = TestCluster.migrationFiles
        files[1] = MigrationFile(version: files[1].version, name: files[1].name, sql: files[1].sql + "\n-- edited\n")
        let extra = MigrationFile(version: 999, name: "999_extra.sql", sql: "CREATE TABLE salesops.extra (v int);")
        let migrator = Migrator(files: files + [extra])
        let statuses = try migrator.status(on: connection)
        #expect(statuses.first { $0.version == files[1].version }?.state == .edited)
        #expect(statuses.first { $0.version == 999 }?.state == .pending)
        let error = #expect(throws: SalesOpsError.self) { try migrator.migrate(on: connection) }
        #expect(error?.description.contains("\(files[1].name) (edited after it was applied)") == true)
        let extraExists = try connection.query("SELECT to_regclass('salesops.extra') IS NOT NULL AS present").rows[0]
        #expect(try extraExists.decode("present", as: Bool.self) == false)
    }

    @Test("a failing file is rolled back whole and not recorded")
    func failingFileRollsBack() throws {
        let connection = try TestDatabase.empty().connect()
        let good = MigrationFile(version: 1, name: "001_good.sql", sql: "CREATE TABLE a (v int);")
        let bad = MigrationFile(version: 2, name: "002_bad.sql", sql: "CREATE TABLE b (v int); SELECT no_such_function();")
        let error = #expect(throws: PostgresError.self) { try Migrator(files: [good, bad]).migrate(on: connection) }
        #expect(error?.sqlState == SQLState("42883"))
        let state = try connection.query("""
            SELECT to_regclass('public.a') IS NOT NULL AS a, to_regclass('public.b') IS NOT NULL AS b,
                   (SELECT count(*) FROM salesops_meta.schema_migrations) AS recorded
            """).rows[0]
        #expect(try state.decode("a", as: Bool.self))
        #expect(try state.decode("b", as: Bool.self) == false)
        #expect(try state.decode("recorded", as: Int.self) == 1)
    }
}
