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

    @Test("--max-field-bytes sets the field limit")
    func fieldLimitOption() throws {
        let database = try Self.database()
        let path = try Self.file("external_id,name\nt-1,Northern region\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lowered = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "--max-field-bytes", "12", path], database: database)
        #expect(lowered.status == 65)
        #expect(lowered.stderr.contains("line 2, column name") && lowered.stderr.contains("longer than 12 bytes"), "\(lowered.stderr)")
        #expect(try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database).status == 0)
    }

    /// A file breaking a text rule, named briefly in the test log.
    struct TextCase: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var csv: String
        var place: String
        var message: String
    }

    @Test("text values are trimmed, a blank one is missing, an over-long one is refused with line, column and limit", arguments: [
        TextCase(testDescription: "blank external id", csv: "external_id,name\n   ,A\n", place: "line 2, column external_id",
                 message: "a value is required (this one is blank)"),
        TextCase(testDescription: "3,000-character external id", csv: "external_id,name\n" + String(repeating: "e", count: 3000) + ",A\n",
                 place: "line 2, column external_id", message: "longer than 200 characters"),
        TextCase(testDescription: "201-character name", csv: "external_id,name\nt-1," + String(repeating: "n", count: 201) + "\n",
                 place: "line 2, column name", message: "longer than 200 characters"),
    ])
    func textRules(_ textCase: TextCase) throws {
        let (csv, place, message) = (textCase.csv, textCase.place, textCase.message)
        let database = try Self.database()
        let path = try Self.file(csv)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains(place) && outcome.stderr.contains(message), "\(outcome.stderr.prefix(400))")
    }

    @Test("padded values are stored trimmed, and a re-import of the padded file changes nothing")
    func trimmedValues() throws {
        let database = try Self.database()
        let path = try Self.file("external_id,name\n  t-1 , North \n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SalesCTLProcess.run(["import", "teams", "--org", "acme", path], database: database).status == 0)
        let again = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "--json", path], database: database)
        #expect(again.stdout.contains("\"updated\" : 0") && again.stdout.contains("\"inserted\" : 0"), "\(again.stdout)")
        let connection = try database.connect()
        defer { connection.close() }
        let row = try connection.query("SELECT external_id, name FROM salesops.teams").rows[0]
        #expect(try row.decode("external_id", as: String.self) == "t-1" && row.decode("name", as: String.self) == "North")
    }

    @Test("the CLI refuses an external id beyond the limit with a message, exit 65, not an index error")
    func cliLimit() throws {
        let database = try Self.database()
        let outcome = try SalesCTLProcess.run(["team", "create", "--org", "acme", "--external-id", String(repeating: "x", count: 3000),
                                               "--name", "Long"], database: database)
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("external_id must be 1–200 characters"), "\(outcome.stderr.prefix(300))")
    }
}
