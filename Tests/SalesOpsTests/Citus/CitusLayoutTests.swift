import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// `migrate` on a Citus coordinator with workers: every migration file applies, and the tables
/// end where `CitusLayout` says — tenant tables distributed by org_id in one co-location group,
/// catalogues and the org registry as reference tables, bookkeeping on the coordinator.
@Suite("migrate lays the schema out on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusLayoutTests {
    /// Every table of the placed schemas: name, whether it has org_id, and where Citus keeps it.
    static func tables(_ connection: Connection) throws -> [(name: String, hasOrgID: Bool, placement: String?, colocation: Int?)] {
        try connection.query("""
            SELECT format('%s.%s', n.nspname, c.relname) AS name,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS has_org_id,
                   CASE WHEN p.logicalrelid IS NULL THEN NULL WHEN p.partmethod = 'h' THEN 'distributed'
                        WHEN p.repmodel = 't' THEN 'reference' ELSE 'coordinator' END AS placement,
                   p.colocationid AS colocation
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
            WHERE n.nspname IN ('salesops', 'kpi', 'salesops_meta', 'kpi_run') AND c.relkind IN ('r', 'p')
            ORDER BY 1
            """).rows.map {
            (try $0.decode("name"), try $0.decode("has_org_id"), try $0.decode("placement", as: String?.self),
             try $0.decode("colocation", as: Int?.self))
        }
    }

    @Test("every migration file applies on the cluster; each table is where the layout says, the tenant tables co-located")
    func everyFileAndTheLayout() throws {
        let database = try CitusTestCluster.database()
        let connection = try database.connect()
        defer { connection.close() }
        let applied = try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }
        #expect(applied.count == TestCluster.migrationFiles.count)

        let tables = try Self.tables(connection)
        #expect(tables.count >= 25)
        var colocations = Set<Int>()
        for table in tables {
            let expected = CitusLayout.placement(of: table.name, hasOrgID: table.hasOrgID)
            switch expected {
            case .distributed:
                #expect(table.placement == "distributed", "\(table.name) is \(table.placement ?? "a plain table")")
                if let colocation = table.colocation { colocations.insert(colocation) }
            case .reference:
                #expect(table.placement == "reference", "\(table.name) is \(table.placement ?? "a plain table")")
            case .coordinator:
                #expect(table.placement != "distributed" && table.placement != "reference", "\(table.name) left the coordinator")
            }
        }
        #expect(colocations.count == 1, "tenant tables in co-location groups \(colocations)")
        #expect(tables.filter { $0.placement == "distributed" }.count >= 20)
        #expect(tables.first { $0.name == "salesops.orgs" }?.placement == "reference")
        #expect(tables.first { $0.name == "salesops_meta.api_tokens" }?.placement == "coordinator")

        // Each worker holds shards, and its shards carry the tenant policies.
        for worker in 0..<2 {
            let node = try Connection.connect(ConnectionConfiguration(conninfo: CitusTestCluster.workerURL(worker, database: database.name)),
                                              logger: TestCluster.logger)
            defer { node.close() }
            try node.execute("SET citus.override_table_visibility = off")  // Citus hides shards from the catalog otherwise
            let shardPolicies: Int = try node.query("""
                SELECT count(*)::int AS n FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                WHERE c.relname LIKE 'deals\\_%' AND p.polname IN ('tenant_isolation', 'tenant_reader')
                """).rows[0].decode("n")
            #expect(shardPolicies > 0, "worker \(worker + 1) has no policed shard of deals")
        }
        #expect(try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }.isEmpty)
        #expect(try Self.tables(connection).map(\.placement) == tables.map(\.placement), "a second run moves nothing")
    }

    @Test("no SQL-language function of the schema reads a distributed table; the functions read inside routed statements may read their node")
    func tableReadingFunctions() throws {
        let database = try CitusTestCluster.database()
        let connection = try database.connect()
        defer { connection.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }
        // The planner inlines a SQL function after Citus has planned the statement: its read of a
        // distributed table would scan the coordinator's empty placeholder (sql/039).
        let sqlReaders = try connection.query("""
            SELECT DISTINCT p.oid::regprocedure::text AS function
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            CROSS JOIN LATERAL regexp_matches(p.prosrc, '\\m(salesops|kpi|salesops_meta|kpi_run)\\.(\\w+)', 'g') AS m
            JOIN pg_namespace tn ON tn.nspname = m[1]
            JOIN pg_class c ON c.relnamespace = tn.oid AND c.relname = m[2]
            JOIN pg_dist_partition d ON d.logicalrelid = c.oid AND d.partmethod = 'h'
            WHERE n.nspname IN ('salesops', 'kpi', 'salesops_meta') AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
            ORDER BY 1
            """).rows.map { try $0.decode("function", as: String.self) }
        #expect(sqlReaders.isEmpty, "SQL functions reading distributed tables: \(sqlReaders)")
        for function in CitusLayout.nestedReaders {
            let config: String? = try connection.query("""
                SELECT array_to_string(proconfig, ',') AS config FROM pg_proc WHERE oid = to_regprocedure(\(function))
                """).rows.first?.decode("config")
            #expect(config?.contains("citus.allow_nested_distributed_execution=on") == true, "\(function): \(config ?? "none")")
        }
    }

    @Test("a migration written after the layout places the tenant table it creates, on the cluster and on one node")
    func laterMigrationPlacesItsTable() throws {
        let later = MigrationFile(version: 9_001, name: "9001_later_tenant_table.sql", sql: """
            CREATE TABLE salesops.later_notes (
                org_id bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
                id     bigint GENERATED ALWAYS AS IDENTITY,
                note   text NOT NULL,
                PRIMARY KEY (org_id, id)
            );
            SELECT salesops_meta.isolate_tenant_table('salesops.later_notes');
            GRANT SELECT, INSERT ON salesops.later_notes TO salesops_app;
            """)
        let files = TestCluster.migrationFiles + [later]
        let cluster = try CitusTestCluster.database().connect()
        defer { cluster.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: cluster) }
        #expect(try CitusTestCluster.exclusively { try Migrator(files: files).migrate(on: cluster) }.map(\.version) == [9_001])
        let placed = try Self.tables(cluster)
        let notes = placed.first { $0.name == "salesops.later_notes" }
        #expect(notes?.placement == "distributed")
        #expect(notes?.colocation == placed.first { $0.name == "salesops.deals" }?.colocation)

        let single = try TestDatabase.empty().connect()
        defer { single.close() }
        #expect(try CitusTestCluster.exclusively { try Migrator(files: files).migrate(on: single) }.count == files.count)
        #expect(try CitusLayout.isCluster(single) == false)
    }

    @Test("on every node of the cluster, the only function that runs as its owner is the one readers' policies call")
    func noUserSwitchInProductTransactions() throws {
        let database = try CitusTestCluster.database()
        let connection = try database.connect()
        defer { connection.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }
        let definers: [String] = try connection.query("""
            SELECT result FROM run_command_on_all_nodes($$
                SELECT coalesce(string_agg(p.oid::regprocedure::text, ',' ORDER BY 1), '')
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.prosecdef AND n.nspname IN ('salesops', 'kpi', 'salesops_meta', 'kpi_run')
            $$) ORDER BY nodeid
            """).rows.map { try $0.decode("result") }
        #expect(definers.count == 3, "coordinator and two workers")
        #expect(definers.allSatisfy { $0 == "salesops.current_org_id()" }, "SECURITY DEFINER functions per node: \(definers)")
    }

    @Test("a product login that is not a superuser creates an org on the cluster: its lock row and read version, its rows on one node")
    func orgOnTheCluster() throws {
        let database = try CitusTestCluster.database()
        let connection = try database.connect()
        defer { connection.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }
        let session = try CitusTestCluster.productConnection(database)
        defer { session.close() }
        #expect(try !CitusLayout.loginBypassesRowLevelSecurity(session))
        let org = try session.withApplicationRole { connection in
            try OrgRepository(connection: connection).create(NewOrg(slug: "acme", name: "Acme", timezone: "Europe/Berlin", fiscalYearStartMonth: 4))
        }
        #expect(try connection.query("SELECT count(*)::int AS n FROM salesops_meta.org_locks WHERE org_id = \(org.id)").rows[0]
            .decode("n", as: Int.self) == 1)
        #expect(try connection.query("SELECT version FROM salesops_meta.read_versions WHERE org_id = \(org.id)").rows[0]
            .decode("version", as: Int64.self) == 1)
        try session.withTenant(org.id) { tenant in
            _ = try TeamRepository(session: tenant).create(externalID: "t1", name: "One", parentExternalID: nil)
            _ = try TeamRepository(session: tenant).create(externalID: "t2", name: "Two", parentExternalID: "t1")
        }
        #expect(try connection.query("SELECT version FROM salesops_meta.read_versions WHERE org_id = \(org.id)").rows[0]
            .decode("version", as: Int64.self) == 3, "each team raised the org's read version")
        let nodes: Int = try connection.query("""
            SELECT count(DISTINCT s.nodename || s.nodeport)::int AS n
            FROM citus_shards s
            WHERE s.shardid = get_shard_id_for_distribution_column('salesops.teams', \(org.id))
               OR s.shardid = get_shard_id_for_distribution_column('salesops_meta.read_versions', \(org.id))
            """).rows[0].decode("n")
        #expect(nodes == 1, "the org's teams and read version live on \(nodes) nodes")
    }
}
