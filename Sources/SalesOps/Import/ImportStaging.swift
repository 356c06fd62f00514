import PostgresClient

/// Where an import's rows wait between the COPY and the writes: a relation named
/// `import_staging` (`org_id`, `line`, one typed column per format column, `inserted`), as the
/// kind's checks and writes name it. Writes join it to the org's tables on `org_id`, which a
/// cluster needs to keep a statement on the org's node.
///
/// - **One node:** a temporary table, dropped at commit.
/// - **A Citus cluster:** the kind's staging table `salesops_staging.<kind>`, distributed by
///   `org_id` with the org's other rows (made by `migrate`), seen through a temporary view of
///   the org's rows. COPY sends each row straight to the org's node and every check and write is
///   a statement on that node; nothing passes through the coordinator twice. The rows are
///   deleted before the import commits (and vanish with it when it rolls back), so no other
///   transaction ever sees them.
struct ImportStaging {
    let kind: ImportKind
    let orgID: Int64
    let distributed: Bool

    /// The schema of the cluster's staging tables.
    static let schema = "salesops_staging"

    /// The kind's staging table on a cluster.
    var table: String { "\(Self.schema).\(self.kind.rawValue)" }

    /// Creates `import_staging` for this transaction.
    func create(on connection: Connection) throws {
        if self.distributed {
            let columns = (["org_id", "line"] + self.kind.definition.columns.map(\.name) + ["inserted"]).joined(separator: ", ")
            // A temporary view stays on the coordinator: Citus need not try to pass it on.
            try connection.execute("SET LOCAL citus.enable_ddl_propagation = off")
            try connection.execute(Query(unescaped: """
                CREATE TEMPORARY VIEW import_staging AS SELECT \(columns) FROM \(self.table) WHERE org_id = \(self.orgID)
                """))
        } else {
            try connection.execute(Query(unescaped: """
                CREATE TEMPORARY TABLE import_staging (org_id bigint NOT NULL DEFAULT \(self.orgID), \(Self.columnsSQL(self.kind)))
                ON COMMIT DROP
                """))
        }
    }

    /// The COPY statement the file's rows stream into; each row starts with `rowPrefix`.
    var copyStatement: Query {
        let columns = (["line"] + self.kind.definition.columns.map(\.name)).joined(separator: ", ")
        return self.distributed ? Query(unescaped: "COPY \(self.table) (org_id, \(columns)) FROM STDIN")
                                : Query(unescaped: "COPY import_staging (\(columns)) FROM STDIN")
    }

    /// `sql` as this deployment runs it. On a cluster, the statement that marks staged rows as
    /// inserted updates the kind's staging table itself, limited to the org (Citus updates no
    /// view over its tables); reads keep going through the view.
    func adapted(_ sql: String) -> String {
        guard self.distributed else { return sql }
        return sql.replacingOccurrences(of: Self.markHead, with: "UPDATE \(self.table) s SET")
            .replacingOccurrences(of: Self.markFilter, with: "WHERE s.org_id = $1 AND s.external_id = u.external_id")
    }

    /// The head and filter of the one statement that writes to `import_staging` (`ImportSQL.markInsertedAndCount`).
    static let markHead = "UPDATE import_staging s SET"
    static let markFilter = "WHERE s.external_id = u.external_id"

    /// What each COPY row starts with: the org id on a cluster (the column Citus routes by).
    var rowPrefix: [UInt8] { self.distributed ? Array("\(self.orgID)\t".utf8) : [] }

    /// Gives the planner the staged rows' statistics (one node: a fresh temporary table has none).
    func analyze(on connection: Connection) throws {
        if !self.distributed { try connection.execute("ANALYZE import_staging") }
    }

    /// Removes this import's staged rows and the view, before the import commits.
    func finish(on connection: Connection) throws {
        guard self.distributed else { return }
        try connection.execute("DROP VIEW import_staging")
        try connection.execute("SET LOCAL citus.enable_ddl_propagation = on")
        try connection.execute(Query(unescaped: "DELETE FROM \(self.table) WHERE org_id = \(self.orgID)"))
    }

    /// The staging columns of `kind`: line, the format's columns, whether the row was inserted.
    static func columnsSQL(_ kind: ImportKind) -> String {
        (["line bigint NOT NULL"] + kind.definition.columns.map { "\($0.name) \($0.type.sqlType)" } + ["inserted boolean"])
            .joined(separator: ", ")
    }

    /// On a cluster: creates each kind's staging table, distributed with the tenant tables, and
    /// recreates one whose columns no longer match its kind (a table's comment holds its columns).
    static func ensureTables(on connection: Connection, colocateWith anchor: String) throws {
        try connection.execute(Query(unescaped: "CREATE SCHEMA IF NOT EXISTS \(Self.schema)"))
        try connection.execute(Query(unescaped: "REVOKE ALL ON SCHEMA \(Self.schema) FROM PUBLIC"))
        for kind in ImportKind.allCases {
            let table = "\(Self.schema).\(kind.rawValue)"
            let columns = "org_id bigint NOT NULL, " + Self.columnsSQL(kind)
            let row = try connection.query("""
                SELECT to_regclass(\(table)) IS NOT NULL AS present, obj_description(to_regclass(\(table)), 'pg_class') AS columns
                """).rows[0]
            let present: Bool = try row.decode("present")
            if present, try row.decode("columns", as: String?.self) == columns { continue }
            if present { try connection.execute(Query(unescaped: "DROP TABLE \(table)")) }
            try connection.execute(Query(unescaped: "CREATE UNLOGGED TABLE \(table) (\(columns))"))
            try connection.execute(Query(unescaped: "COMMENT ON TABLE \(table) IS \(Self.literal(columns))"))
            try connection.execute("SELECT create_distributed_table(\(table)::regclass, 'org_id', colocate_with => \(anchor)::text)")
        }
    }

    /// A SQL string literal of text the code itself made (column definitions).
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
