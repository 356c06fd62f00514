import PostgresClient

/// Where the schema's tables live on a Citus cluster, and the step of `migrate` that puts them
/// there. On plain PostgreSQL (no `citus` extension, or no worker registered) it does nothing.
///
/// - **Distributed by `org_id`, one co-location group:** every table of `salesops`, `kpi` and
///   `salesops_meta` with an `org_id`, unless named below. An org's rows of every table live on
///   one node, so each per-org statement is routed to it whole.
/// - **Reference (a copy on every node):** the org registry, the tables without an `org_id`
///   (the metric and breakdown catalogues) and the reader bindings
///   (`salesops_meta.tenant_roles`), which the policies read on whichever node a reader's
///   query runs.
/// - **Coordinator only:** the migration ledger, API tokens, dashboard sessions, org locks and
///   the scheduler's run records and leases. The API resolves a token or session before it
///   knows the org; the scheduler claims nights across all orgs in one statement that skips
///   locked rows (`FOR UPDATE SKIP LOCKED`) and writes the runs and leases it claimed, which is
///   one node's statement only when all of them live there. Citus keeps those of them that
///   reference the org registry as local tables in its metadata.
///
/// The layout is placed by the first migration run that reaches `firstVersion` (the schema
/// from then on has no policy a distributed table refuses, sql/034–035) and, after that, by
/// every migration file in its own transaction: a file that creates a table places it.
public struct CitusLayout {
    /// The first schema version a cluster can be laid out at.
    public static let firstVersion = 35
    /// The schemas whose tables are placed.
    static let schemas = ["salesops", "kpi", "salesops_meta", "kpi_run"]
    /// Tables with an `org_id` copied to every node.
    static let referenceTables: Set<String> = ["salesops.orgs", "salesops_meta.tenant_roles"]
    /// Tables left on the coordinator.
    static let coordinatorTables: Set<String> = [
        "salesops_meta.schema_migrations", "salesops_meta.api_tokens", "salesops_meta.dashboard_sessions",
        "salesops_meta.org_locks", "salesops.scheduler_runs", "salesops.scheduler_leases",
    ]
    /// The table every distributed table is co-located with.
    static let colocationAnchor = "salesops.teams"

    /// Where one table lives.
    public enum Placement: String, Sendable, Equatable {
        case distributed, reference, coordinator
    }

    /// Whether `connection` is a Citus coordinator with at least one worker registered.
    public static func isCluster(_ connection: Connection) throws -> Bool {
        let row = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') AS citus
            """).rows[0]
        guard try row.decode("citus", as: Bool.self) else { return false }
        return try connection.query("""
            SELECT count(*) > 0 AS workers FROM pg_catalog.pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive
            """).rows[0].decode("workers")
    }

    /// Whether the session's login is a superuser or has BYPASSRLS. On a cluster the product's
    /// transactions run as this login (no role switch), so row-level security applies to them
    /// only when it is neither.
    public static func loginBypassesRowLevelSecurity(_ connection: Connection) throws -> Bool {
        try connection.query("SELECT rolsuper OR rolbypassrls AS bypasses FROM pg_catalog.pg_roles WHERE rolname = session_user")
            .rows[0].decode("bypasses")
    }

    /// The placement of a table named `schema.table` (`hasOrgID`: whether it has an `org_id`).
    public static func placement(of name: String, hasOrgID: Bool) -> Placement {
        if Self.coordinatorTables.contains(name) { return .coordinator }
        if Self.referenceTables.contains(name) || !hasOrgID { return .reference }
        return .distributed
    }

    /// Session settings a migration on a cluster runs with: triggers may live on distributed
    /// tables (each fires where its row is, writing only that org's co-located rows), and a new
    /// table referencing a reference table stays a plain table until this step distributes it.
    static let sessionSettings = [
        "SET LOCAL citus.enable_unsafe_triggers = on",
        "SET LOCAL citus.enable_local_reference_table_foreign_keys = off",
        "SET LOCAL citus.multi_shard_modify_mode = 'sequential'",
    ]

    /// Functions that read tables from inside a statement running on a node.
    static let nestedReaders = [
        "salesops.current_org_id()", "salesops.team_subtree(bigint, bigint)", "kpi.deal_spells(bigint, timestamptz)",
        "kpi.deal_spells(bigint, timestamptz, timestamptz)",
        "kpi.metric_names()", "kpi.breakdown_series_names(text)",
    ]

    /// Functions that run as their owner on one node, so the application role may call them
    /// (or fire them) without holding the owner's privileges, and as their caller on a cluster.
    ///
    /// Citus opens its connections to the workers as the coordinator's current user, one set
    /// per user: a function that switches user in the middle of a transaction works through a
    /// second set, which sees none of the transaction's earlier writes (a new org's registry
    /// row, say, so the org's first read version fails its foreign key). On a cluster the
    /// product's login is a member of the owner and holds these privileges itself; readers
    /// cannot write, so nothing of theirs fires or calls these. `current_org_id()` keeps running
    /// as its owner: readers call it through every policy, and it reads only the node's own
    /// copy of the reader bindings.
    static let invokersOnCluster = [
        "salesops_meta.org_changed(bigint)", "salesops_meta.raise_read_versions()", "salesops.teams_refuse_parent_cycle()",
    ]

    /// A KPI run's working tables on a cluster: the owner's alone, like the import staging
    /// tables, and without row-level security.
    ///
    /// On one node a run works in temporary tables shaped like these (empty templates there).
    /// On a cluster the run writes into them, and Citus writes the rows of a statement it cannot
    /// send whole to one node with COPY, which PostgreSQL refuses on a table under row-level
    /// security. So no role but the owner reaches them — the product's login is its member; the
    /// application role, which a misgranted login might hold, gets nothing — and every run
    /// statement names its org.
    static let runTablesOwnerOnly = """
        DO $$
        DECLARE
            run_table text;
        BEGIN
            FOREACH run_table IN ARRAY kpi.run_tables() LOOP
                EXECUTE format('ALTER TABLE kpi_run.%I NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY', run_table);
                EXECUTE format('REVOKE ALL ON kpi_run.%I FROM salesops_app', run_table);
            END LOOP;
            REVOKE ALL ON SCHEMA kpi_run FROM salesops_app;
        END
        $$
        """

    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// A table not yet where it belongs.
    struct Unplaced: Equatable {
        var name: String
        var placement: Placement
    }

    /// Places every table not yet placed. Runs inside the caller's transaction.
    /// - Returns: the tables placed, as "schema.table (placement)".
    @discardableResult
    public func place() throws -> [String] {
        for setting in Self.sessionSettings { try self.connection.execute("\(unescaped: setting)") }
        // Every session of the database: SET LOCAL reaches the workers (the org context), and
        // the product knows not to switch roles (`Connection.isDistributed`).
        try self.runFormatted("SELECT format('ALTER DATABASE %I SET citus.propagate_set_commands = local', current_database()) AS sql")
        try self.runFormatted("SELECT format('ALTER DATABASE %I SET salesops.distributed = on', current_database()) AS sql")
        // A reader's org is looked up in the reader bindings (a reference table) from inside the
        // policy of the shard being read, on that shard's node: a nested read of the node's own
        // copy, which Citus allows only when asked.
        // So are the team subtree and the deal history (sql/039) when a statement routed to an
        // org's node calls them there (they read that org's co-located rows on the same node),
        // and the catalogue name lookups of the row views (reference tables, sql/029).
        // A function not there yet is created by a later migration file, placed after it.
        for function in Self.nestedReaders where try self.functionExists(function) {
            try self.connection.execute("ALTER FUNCTION \(unescaped: function) SET citus.allow_nested_distributed_execution = on")
        }
        for function in Self.invokersOnCluster where try self.functionExists(function) {
            try self.connection.execute("ALTER FUNCTION \(unescaped: function) SECURITY INVOKER")
        }
        if try self.functionExists("kpi.run_tables()") { try self.connection.executeScript(Self.runTablesOwnerOnly) }
        let unplaced = try self.unplacedTables()
        if let misplaced = try self.tableStates().first(where: { state in
            state.placement != nil && unplaced.contains { $0.name == state.name }
        }) {
            // Moving a placed table (undistribute_table) rewrites it and every table its keys
            // reach: an operator's decision, not a migration's.
            let target = Self.placement(of: misplaced.name, hasOrgID: misplaced.hasOrgID).rawValue
            throw SalesOpsError.invalidInput(
                "\(misplaced.name) is a \(misplaced.placement ?? "") table on this cluster but belongs \(target == "coordinator" ? "on the coordinator" : "as a \(target) table"): "
                    + "move it with Citus's undistribute_table, then run migrate again")
        }
        guard !unplaced.isEmpty else {
            try ImportStaging.ensureTables(on: self.connection, colocateWith: Self.colocationAnchor)
            return []
        }
        let references = unplaced.filter { $0.placement == .reference }.map(\.name)
        let distributed = try self.inKeyOrder(unplaced.filter { $0.placement == .distributed }.map(\.name))
        // A table is distributed only when what it references is distributed or a reference
        // table: keys to tables that become reference tables here are set aside and added back.
        // Coordinator tables that reference a reference table join Citus's metadata as local
        // tables (their keys then check the coordinator's copy of the referenced rows); their
        // keys are set aside too, as Citus adds a table with keys only together with all it reaches.
        let coordinatorTables = unplaced.filter { $0.placement == .coordinator }.map(\.name)
        let allReferences = Set(references + (try self.referenceTableNames()))
        let localReferencing = Set(try self.foreignKeys(from: coordinatorTables, to: Array(allReferences)).map(\.table))
        let setAside = try self.foreignKeys(from: distributed + references + Array(localReferencing), to: Array(allReferences))
        for key in setAside {
            try self.runFormatted("SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', \(key.table)::regclass, \(key.name)::text) AS sql")
        }
        for name in references {
            try self.connection.execute("SELECT create_reference_table(\(name)::regclass)")
        }
        for name in distributed {
            let anchorPlaced = try self.isDistributed(Self.colocationAnchor)
            try self.connection.execute("""
                SELECT create_distributed_table(\(name)::regclass, 'org_id',
                                                colocate_with => \(anchorPlaced && name != Self.colocationAnchor ? Self.colocationAnchor : "none")::text)
                """)
        }
        for name in coordinatorTables where localReferencing.contains(name) {
            // With the tables it shares keys with on the coordinator (e.g. sessions and tokens).
            try self.connection.execute("""
                SELECT citus_add_local_table_to_metadata(\(name)::regclass, cascade_via_foreign_keys => true)
                WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = \(name)::regclass)
                """)
        }
        for key in setAside {
            try self.runFormatted("""
                SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', \(key.table)::regclass, \(key.name)::text, \(key.definition)::text) AS sql
                """)
        }
        try ImportStaging.ensureTables(on: self.connection, colocateWith: Self.colocationAnchor)
        return unplaced.map { "\($0.name) (\($0.placement.rawValue))" }
    }

    /// One table of the placed schemas as the catalog shows it.
    struct TableState {
        var name: String
        var hasOrgID: Bool
        /// "distributed", "reference", "coordinator" (a local table in Citus's metadata), or nil.
        var placement: String?
    }

    /// Every table of the placed schemas, in creation order.
    func tableStates() throws -> [TableState] {
        try self.connection.query("""
            SELECT format('%s.%s', n.nspname, c.relname) AS name,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS has_org_id,
                   CASE WHEN p.logicalrelid IS NULL THEN NULL
                        WHEN p.partmethod = 'h' THEN 'distributed'
                        WHEN p.repmodel = 't' THEN 'reference'
                        ELSE 'coordinator' END AS placement
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = c.oid
            WHERE n.nspname = ANY(\(Self.schemas)::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.oid
            """).rows.map {
            TableState(name: try $0.decode("name"), hasOrgID: try $0.decode("has_org_id"), placement: try $0.decode("placement"))
        }
    }

    /// Where each table of the schemas lives now: nil for a table not in Citus's metadata.
    public func currentPlacements() throws -> [String: String?] {
        Dictionary(uniqueKeysWithValues: try self.tableStates().map { ($0.name, $0.placement) })
    }

    /// Tables of the schemas whose target placement differs from where they are.
    func unplacedTables() throws -> [Unplaced] {
        try self.tableStates().compactMap { table in
            let target = Self.placement(of: table.name, hasOrgID: table.hasOrgID)
            return table.placement == target.rawValue ? nil : Unplaced(name: table.name, placement: target)
        }
    }

    /// `names` ordered so that a table comes after every other one of them it references.
    func inKeyOrder(_ names: [String]) throws -> [String] {
        let edges = try self.foreignKeys(from: names, to: names).filter { $0.table != $0.referenced }
        var remaining = names, ordered: [String] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { name in !edges.contains { $0.table == name && remaining.contains($0.referenced) } }
            guard !ready.isEmpty else { throw SalesOpsError.invalidInput("foreign keys form a cycle among \(remaining)") }
            ordered += ready
            remaining.removeAll { ready.contains($0) }
        }
        return ordered
    }

    struct ForeignKey: Equatable {
        var table: String
        var name: String
        var referenced: String
        var definition: String
    }

    /// The foreign keys of tables in `tables` that reference tables in `referenced`.
    func foreignKeys(from tables: [String], to referenced: [String]) throws -> [ForeignKey] {
        guard !tables.isEmpty, !referenced.isEmpty else { return [] }
        return try self.connection.query("""
            SELECT format('%s.%s', cn.nspname, c.relname) AS table_name, k.conname::text AS name,
                   format('%s.%s', rn.nspname, r.relname) AS referenced, pg_catalog.pg_get_constraintdef(k.oid) AS definition
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
            JOIN pg_catalog.pg_class r ON r.oid = k.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
            WHERE k.contype = 'f'
              AND format('%s.%s', cn.nspname, c.relname) = ANY(\(tables)::text[])
              AND format('%s.%s', rn.nspname, r.relname) = ANY(\(referenced)::text[])
            ORDER BY 1, 2
            """).rows.map {
            ForeignKey(table: try $0.decode("table_name"), name: try $0.decode("name"), referenced: try $0.decode("referenced"),
                       definition: try $0.decode("definition"))
        }
    }

    private func functionExists(_ signature: String) throws -> Bool {
        try self.connection.query("SELECT to_regprocedure(\(signature)) IS NOT NULL AS present").rows[0].decode("present")
    }

    private func referenceTableNames() throws -> [String] {
        try self.connection.query("""
            SELECT p.logicalrelid::regclass::text AS name FROM pg_catalog.pg_dist_partition p WHERE p.repmodel = 't'
            """).rows.map { try $0.decode("name") }
    }

    private func isDistributed(_ name: String) throws -> Bool {
        try self.connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = \(name)::regclass AND partmethod = 'h') AS placed
            """).rows[0].decode("placed")
    }

    /// Runs the DDL statement `query` returns as `sql`: names quoted by `format`, a key's
    /// definition as the catalog prints it.
    private func runFormatted(_ query: Query) throws {
        let statement: String = try self.connection.query(query).rows[0].decode("sql")
        try self.connection.execute("\(unescaped: statement)")
    }
}
