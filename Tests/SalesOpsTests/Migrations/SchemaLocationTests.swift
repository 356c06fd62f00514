import Foundation
import SalesOps
import Testing

@Suite("Migrations come from trusted places only, never from the working directory")
struct SchemaLocationTests {
    /// A fresh folder tree; `layout` maps relative paths to file contents (folders made on the way).
    static func tree(_ layout: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        for (path, contents) in layout {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: file)
        }
        return root
    }

    @Test("a sql/ folder planted above the executable, outside a source checkout, is not used")
    func plantedFolderIsIgnored() throws {
        let root = try Self.tree(["sql/001_evil.sql": "CREATE ROLE evil SUPERUSER;", "work/bin/salesctl": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: SalesOpsError.self) {
            try MigrationFile.locateDirectory(explicit: nil, environment: [:],
                                              executablePath: root.appendingPathComponent("work/bin/salesctl").path)
        }
    }

    @Test("the installed layout beside the executable is used")
    func installedLayout() throws {
        let root = try Self.tree(["share/salesops/sql/001_schema.sql": "SELECT 1;", "bin/salesctl": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try MigrationFile.locateDirectory(explicit: nil, environment: [:],
                                                      executablePath: root.appendingPathComponent("bin/salesctl").path)
        #expect(found.standardizedFileURL.path == root.appendingPathComponent("share/salesops/sql").standardizedFileURL.path)
    }

    @Test("the source checkout the executable was built in is used")
    func sourceCheckout() throws {
        let root = try Self.tree(["Package.swift": "", "sql/001_schema.sql": "SELECT 1;", ".build/debug/salesctl": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try MigrationFile.locateDirectory(explicit: nil, environment: [:],
                                                      executablePath: root.appendingPathComponent(".build/debug/salesctl").path)
        #expect(found.standardizedFileURL.path == root.appendingPathComponent("sql").standardizedFileURL.path)
    }

    @Test("an explicit folder wins, then SALESOPS_SQL_DIR")
    func explicitChoices() throws {
        #expect(try MigrationFile.locateDirectory(explicit: "/a", environment: ["SALESOPS_SQL_DIR": "/b"], executablePath: "/x").path == "/a")
        #expect(try MigrationFile.locateDirectory(explicit: nil, environment: ["SALESOPS_SQL_DIR": "/b"], executablePath: "/x").path == "/b")
    }
}
