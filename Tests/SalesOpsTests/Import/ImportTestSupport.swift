import Foundation
import PostgresClient
@testable import SalesOps
import TestSupport

/// Helpers for import tests: run an import from text, load the demo org, fingerprint data.
enum ImportFixture {
    /// Imports CSV text (as bytes) through a temporary file named `name`.
    static func importText(_ text: String, kind: ImportKind, org: Org, connection: Connection, name: String? = nil) throws -> ImportReport {
        try self.importBytes(Array(text.utf8), kind: kind, org: org, connection: connection, name: name)
    }

    static func importBytes(_ bytes: [UInt8], kind: ImportKind, org: Org, connection: Connection, name: String? = nil) throws -> ImportReport {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name ?? kind.rawValue).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try Importer(connection: connection).run(kind, orgID: org.id, handle: handle, fileName: name ?? "\(kind.rawValue).csv")
    }

    /// Imports every demo file, in dependency order, into `org`.
    @discardableResult
    static func importDemo(into org: Org, connection: Connection, kinds: [ImportKind] = ImportKind.allCases) throws -> [ImportReport] {
        try kinds.map { kind in
            let path = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
            return try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: path)!, fileName: path)
        }
    }

    /// Imports every file `generator` makes, in dependency order, into `org`.
    static func importGenerated(_ generator: DemoDataGenerator, into org: Org, connection: Connection) throws {
        for (kind, csv) in generator.generate() {
            _ = try Self.importText(csv, kind: kind, org: org, connection: connection)
        }
    }

    /// A digest of every row of every tenant table visible to `org`.
    static func fingerprint(of org: Org, connection: Connection) throws -> [String: String] {
        try connection.withOrg(org.id) { connection in
            let tables = try connection.query("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'salesops' AND c.relkind = 'r'
                  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id')
                """).rows.map { try $0.decode("relname", as: String.self) }
            var digests: [String: String] = [:]
            for table in tables {
                digests[table] = try connection.query(Query(unescaped: """
                    SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest
                    FROM salesops.\(table) t
                    """)).rows[0].decode("digest")
            }
            return digests
        }
    }
}
