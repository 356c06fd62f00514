import Foundation
import Testing
import TestSupport

@Suite("A CSV of any size or shape is read in bounded memory; oversized pieces exit 65 naming line and column")
struct ImportLimitsTests {
    static func database() throws -> TestDatabase {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        return database
    }

    static func file(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString).csv")
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    @Test("an endless stream of NUL bytes (/dev/zero) is refused at the first field's limit")
    func endlessInput() throws {
        let database = try Self.database()
        let outcome = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "/dev/zero"], database: database)
        #expect(outcome.status == 65, "\(outcome.stderr.prefix(500))")
        #expect(outcome.stderr.contains("line 1") && outcome.stderr.contains("longer than 65536 bytes"))
        #expect(outcome.stderr.utf8.count < 2000)
    }

    @Test("a 2 MB cell is refused naming its line and column, its value not echoed; nothing is written")
    func hugeCell() throws {
        let database = try Self.database()
        let path = try Self.file("external_id,name\nt-1,Fine\nt-2,\"" + String(repeating: "x", count: 2_000_000) + "\"\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("line 3, column name"), "\(outcome.stderr.prefix(500))")
        #expect(outcome.stderr.utf8.count < 2000)
        let connection = try database.connect()
        defer { connection.close() }
        #expect(try connection.query("SELECT count(*) AS n FROM salesops.teams").rows[0].decode("n", as: Int.self) == 0)
    }

    @Test("a 1 MB header line is refused with a short message")
    func hugeHeader() throws {
        let database = try Self.database()
        let path = try Self.file(String(repeating: "h", count: 1_000_000) + ",name\nt-1,A\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("line 1"))
        #expect(outcome.stderr.utf8.count < 2000, "stderr is \(outcome.stderr.utf8.count) bytes")
    }

    @Test("a record with thousands of fields is refused at the field count limit")
    func tooManyFields() throws {
        let database = try Self.database()
        let path = try Self.file((0..<10_000).map { "c\($0)" }.joined(separator: ",") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("more than 256 fields"))
        #expect(outcome.stderr.utf8.count < 2000)
    }

    @Test("--max-field-bytes raises the field limit")
    func raisedLimit() throws {
        let database = try Self.database()
        let path = try Self.file("external_id,name\nt-1," + String(repeating: "n", count: 100_000) + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database).status == 65)
        let raised = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "--max-field-bytes", "200000", path], database: database)
        #expect(raised.status == 0, "\(raised.stderr.prefix(300))")
    }
}
