import ArgumentParser
import Foundation
import SalesCTLCommands
import Testing
import TestSupport

@Suite("salesctl exits 0, 64, 65 or 69 as SPEC §8 says, with a clear message")
struct ExitCodeTests {
    static func demoDatabase() throws -> TestDatabase {
        let database = try TestDatabase.migrated()
        let created = try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme", "--timezone", "Europe/Berlin",
                                               "--currency", "EUR", "--fiscal-year-start", "4"], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        return database
    }

    @Test("usage errors exit 64", arguments: [
        ["org", "create", "acme"],
        ["org", "create", "Bad_Slug", "--name", "X"],
        ["org", "create", "acme", "--name", "X", "--currency", "euro"],
        ["org", "create", "acme", "--name", "X", "--fiscal-year-start", "13"],
        ["import", "opportunities", "--org", "acme", "file.csv"],
        ["target", "set", "--org", "acme", "--scope", "org", "--metric", "revenue", "--period", "2026-Q5", "--value", "1"],
        ["target", "set", "--org", "acme", "--scope", "galaxy", "--metric", "revenue", "--period", "2026", "--value", "1"],
        ["rep", "add", "--org", "acme", "--name", "A", "--email", "a@x.example", "--hired-on", "2026-02-30"],
        ["org", "update", "acme"],
        ["frobnicate"],
    ])
    func usageErrors(arguments: [String]) throws {
        let outcome = try SalesCTLProcess.run(arguments)
        #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
        #expect(!outcome.stderr.isEmpty)
    }

    @Test("ArgumentParser maps validation errors to 64 in-process too")
    func parseAsRootExitCode() {
        do {
            _ = try SalesCTL.parseAsRoot(["org", "create", "X", "--name", "Y"])
            Issue.record("parsing should have failed")
        } catch {
            #expect(SalesCTL.exitCode(for: error).rawValue == 64)
        }
    }

    @Test("bad data exits 65 and names what was wrong")
    func badData() throws {
        let database = try Self.demoDatabase()
        let duplicate = try SalesCTLProcess.run(["org", "create", "acme", "--name", "Again"], database: database)
        #expect(duplicate.status == 65)
        #expect(duplicate.stderr.contains("an org with slug 'acme' already exists"))

        let unknownOrg = try SalesCTLProcess.run(["team", "list", "--org", "nobody"], database: database)
        #expect(unknownOrg.status == 65)
        #expect(unknownOrg.stderr.contains("no org with slug 'nobody'"))

        let badZone = try SalesCTLProcess.run(["org", "create", "zoned", "--name", "Z", "--timezone", "Mars/Olympus"], database: database)
        #expect(badZone.status == 65)
        #expect(badZone.stderr.contains("timezone 'Mars/Olympus'"))

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("teams-\(UUID().uuidString).csv")
        try Data("external_id,name,parent_external_id\nt-1,One,\nt-2,Two,ghost\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let badImport = try SalesCTLProcess.run(["import", "teams", "--org", "acme", file.path], database: database)
        #expect(badImport.status == 65)
        #expect(badImport.stderr.contains("\(file.path): line 3, column parent_external_id, value \"ghost\": no team with this external id"))
        #expect(badImport.stderr.contains("nothing was imported"))
        let teams = try SalesCTLProcess.run(["team", "list", "--org", "acme", "--json"], database: database)
        #expect(teams.status == 0 && teams.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")

        let missingFile = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "/nonexistent/teams.csv"], database: database)
        #expect(missingFile.status == 65)
        #expect(missingFile.stderr.contains("/nonexistent/teams.csv: no such file"))
    }

    @Test("an unreachable database exits 69 and names host, port and database")
    func databaseDown() throws {
        let outcome = try SalesCTLProcess.run(["org", "list", "--database-url", "postgresql://salesops@127.0.0.1:1/salesops?connect_timeout=2"])
        #expect(outcome.status == 69)
        #expect(outcome.stderr.contains("cannot connect to PostgreSQL (host 127.0.0.1, port 1, database salesops"))
    }

    @Test("success exits 0: migrate, import from a file and from stdin, list as JSON")
    func successPath() throws {
        let database = try TestDatabase.empty()
        let migrate = try SalesCTLProcess.run(["migrate"], database: database)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("applied 001_schema_and_roles.sql"))
        let again = try SalesCTLProcess.run(["migrate"], database: database)
        #expect(again.stdout.contains("schema is up to date"))
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        let teamsFile = TestCluster.repositoryRoot.appendingPathComponent("demo/teams.csv").path
        let imported = try SalesCTLProcess.run(["import", "teams", "--org", "acme", teamsFile], database: database)
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("4 teams rows: 4 inserted, 0 updated, 0 unchanged"))
        let fromStdin = try SalesCTLProcess.run(["import", "teams", "--org", "acme", "-", "--json"], database: database,
                                                input: "external_id,name,parent_external_id\nemea,EMEA,\nbaltics,Baltics,emea\n")
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(fromStdin.stdout.utf8)) as? [String: Any]
        #expect(report?["inserted"] as? Int == 1)
        #expect(report?["file"] as? String == "<stdin>")
        let listed = try SalesCTLProcess.run(["team", "list", "--org", "acme", "--json"], database: database)
        let teams = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        #expect(teams?.compactMap { $0["external_id"] as? String }.sorted() == ["baltics", "dach", "emea", "nordics", "sdr-emea"])
    }
}
