import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Tenant tables are found from the catalog (every table of a non-system schema with an
/// `org_id` column), so a table added later, in any schema, is covered without touching
/// these tests. `salesops_meta` is the product's bookkeeping schema (tokens, reader
/// bindings, work locks): no tenant-reachable role holds any privilege in it
/// (`ReaderRoleIsolationTests` proves it from the catalog).
@Suite("No org can read or change another org's rows through the application role")
struct TenantIsolationTests {
    static func tenantTables(_ connection: Connection) throws -> [String] {
        try TenantCatalog.relations(connection)
    }

    /// Two orgs, each with one row in every tenant table (through the demo files).
    static func twoPopulatedOrgs() throws -> (Connection, Org, Org) {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        let orgA = try SharedDatabase.makeOrg(on: connection)
        let orgB = try SharedDatabase.makeOrg(on: connection)
        for org in [orgA, orgB] {
            for kind in ImportKind.allCases {
                let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
                _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: file)!, fileName: file)
            }
            try connection.execute("UPDATE salesops.orgs SET created_at = '2026-11-20T12:00:00Z' WHERE id = \(org.id)")
        }
        try Self.scheduleNights(database)
        return (connection, orgA, orgB)
    }

    /// KPI facts in every KPI table and run records, written by scheduled nights (2026-11-19
    /// and 2026-11-20 of each org) through the application and scheduler roles.
    static func scheduleNights(_ database: TestDatabase) throws {
        try ScheduledNights.run(database, expected: 4)
    }

    @Test("every tenant table is found, and the demo data puts rows of both orgs in each")
    func everyTableHasRowsOfBothOrgs() throws {
        let (connection, orgA, orgB) = try Self.twoPopulatedOrgs()
        let tables = try Self.tenantTables(connection)
        #expect(tables.count >= 12)
        for table in tables {
            let counts = try connection.query(Query(unescaped: """
                SELECT count(*) FILTER (WHERE org_id = $1) AS a, count(*) FILTER (WHERE org_id = $2) AS b FROM \(table)
                """, bindings: [.init(text: String(orgA.id), type: .int8), .init(text: String(orgB.id), type: .int8)])).rows[0]
            #expect(try counts.decode("a", as: Int.self) > 0, "table \(table) has no rows of org A")
            #expect(try counts.decode("b", as: Int.self) > 0, "table \(table) has no rows of org B")
        }
    }

    @Test("in org A's context, SELECT, UPDATE and DELETE touch no row of org B, and INSERT of an org B row is refused")
    func isolationOnEveryTable() throws {
        let (connection, orgA, orgB) = try Self.twoPopulatedOrgs()
        let tables = try Self.tenantTables(connection)
        for table in tables {
            let orgBRows = try connection.withOrg(orgA.id) { connection in
                try connection.query(Query(unescaped: "SELECT count(*) AS n FROM \(table) WHERE org_id = $1",
                                           bindings: [.init(text: String(orgB.id), type: .int8)])).rows[0].decode("n", as: Int.self)
            }
            #expect(orgBRows == 0, "org A sees org B's rows in \(table)")
            let visibleAll = try connection.withOrg(orgA.id) { connection in
                try connection.query(Query(unescaped: "SELECT count(DISTINCT org_id) AS n, min(org_id) AS only FROM \(table)")).rows[0]
            }
            #expect(try visibleAll.decode("n", as: Int.self) == 1, "\(table) shows more than one org")
            #expect(try visibleAll.decode("only", as: Int64.self) == orgA.id)

            let updated = try connection.withOrg(orgA.id) { connection in
                try connection.execute(Query(unescaped: "UPDATE \(table) SET org_id = org_id WHERE org_id = $1",
                                             bindings: [.init(text: String(orgB.id), type: .int8)]))
            }
            #expect(updated == 0, "org A updated org B's rows in \(table)")
            let deleted = try connection.withOrg(orgA.id) { connection in
                try connection.execute(Query(unescaped: "DELETE FROM \(table) WHERE org_id = $1",
                                             bindings: [.init(text: String(orgB.id), type: .int8)]))
            }
            #expect(deleted == 0, "org A deleted org B's rows in \(table)")

            // Copy one of org A's own rows, relabelled as org B's: the policy must refuse it.
            let insert = #expect(throws: PostgresError.self, "org A inserted an org B row into \(table)") {
                try connection.withOrg(orgA.id) { connection in
                    let columns = try connection.query(Query(unescaped: """
                        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS list
                        FROM pg_attribute
                        WHERE attrelid = '\(table)'::regclass AND attnum > 0 AND NOT attisdropped
                          AND attname NOT IN ('org_id', 'id') AND attgenerated = ''
                        """)).rows[0].decode("list", as: String.self)
                    try connection.execute(Query(unescaped: """
                        INSERT INTO \(table) (org_id, \(columns))
                        SELECT $1, \(columns) FROM \(table) LIMIT 1
                        """, bindings: [.init(text: String(orgB.id), type: .int8)]))
                }
            }
            // Row-level security refuses it (policies are checked before constraints).
            #expect(insert?.sqlState == .insufficientPrivilege, "unexpected refusal for \(table): \(String(describing: insert?.message))")
        }
        // Org B's data is intact after all of that.
        for table in tables {
            let count = try connection.withOrg(orgB.id) { connection in
                try connection.query(Query(unescaped: "SELECT count(*) AS n FROM \(table)")).rows[0].decode("n", as: Int.self)
            }
            #expect(count > 0, "org B lost its rows in \(table)")
        }
    }

    @Test("with no org set, the application role sees no tenant rows at all")
    func noContextSeesNothing() throws {
        let (connection, _, _) = try Self.twoPopulatedOrgs()
        for table in try Self.tenantTables(connection) {
            let count = try connection.withApplicationRole { connection in
                try connection.query(Query(unescaped: "SELECT count(*) AS n FROM \(table)")).rows[0].decode("n", as: Int.self)
            }
            #expect(count == 0, "\(table) shows rows without an org context")
        }
    }

    @Test("the org context ends with its transaction, so a reused connection carries none")
    func contextIsPerTransaction() throws {
        let (connection, orgA, _) = try Self.twoPopulatedOrgs()
        try connection.withOrg(orgA.id) { _ in }
        let row = try connection.query("""
            SELECT NULLIF(current_setting('salesops.org_id', true), '') AS org, current_user AS role
            """).rows[0]
        #expect(try row.decode("org", as: String?.self) == nil)
        #expect(try row.decode("role", as: String.self) != "salesops_app")
    }

    @Test("an org can update only its own registry row")
    func orgRegistryUpdates() throws {
        let connection = try SharedDatabase.connect()
        let orgA = try SharedDatabase.makeOrg(on: connection)
        let orgB = try SharedDatabase.makeOrg(on: connection)
        let changed = try connection.withOrg(orgA.id) { connection in
            try connection.execute("UPDATE salesops.orgs SET name = 'hijacked' WHERE id = \(orgB.id)")
        }
        #expect(changed == 0)
        #expect(try connection.withApplicationRole { try OrgRepository(connection: $0).get(slug: orgB.slug) }.name == orgB.name)
    }
}
