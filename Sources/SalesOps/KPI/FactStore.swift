import PostgresClient

/// The owner of the stored fact layout (sql/029): the one type that writes stored facts.
///
/// A run's families compute facts row by row into the run's tables (`kpi_new_facts`, …, one
/// row per value; temporary tables on one node, the org's rows of `kpi_run` on a cluster,
/// sql/038). The store keeps the values of one period and scope together — one row of
/// parallel arrays per (org, period, scope) in `kpi.metric_fact_sets` and
/// `kpi.breakdown_fact_sets`; stage facts keep a row per value. Everything else reads the
/// row-shaped views `kpi.metric_fact_rows`, `kpi.breakdown_fact_rows` and
/// `kpi.stage_fact_rows`, so a layout change touches this type, one migration and those views.
///
/// Replacing the covered periods writes only what changed: stored rows of those periods that
/// are no longer computed are deleted (facts are sparse), new rows inserted, and rows whose
/// values differ updated (`IS NOT DISTINCT FROM`), so a rerun over unchanged data writes nothing.
struct FactStore: Sendable {
    /// Whether the run's tables are shared tables of a cluster (no statistics of their own).
    var distributed = false

    /// One stored table and how a run's rows become its rows.
    struct StoredTable: Sendable {
        /// The stored table, e.g. `kpi.metric_fact_sets`.
        var table: String
        /// The run's table holding the org and the stored table's key and value columns.
        var newRows: String
        /// Selects an org's rows of `newRows` (`org_id`, key and value columns) from the families'
        /// output, given the org as a literal and the catalogues' keys. The groups are formed by
        /// hashing and each group's values sorted once afterwards, every array aggregated from
        /// that one sorted stream (the arrays stay parallel whatever the order: each row feeds
        /// all of them). A backfill's million values sorted whole cost twice as much, and a sort
        /// per array 40 % more per group. The catalogues' ids come in as bound arrays rather than
        /// joined from their tables: Citus plans an `INSERT … SELECT` that joins a reference
        /// table for every shard, and with the org as a constant in place of `g.org_id` it runs
        /// the `SELECT` on the org's node and sends the grouped rows back through the
        /// coordinator. Joined to arrays, with the org read from the grouped rows, the statement
        /// goes to the org's node whole.
        var grouping: (@Sendable (_ org: Query, _ catalogue: CatalogueKeys) -> Query)?
        var keyColumns: [String]
        var valueColumns: [String]
    }

    /// The stored tables in the order a run replaces them.
    static let tables = [
        StoredTable(table: "kpi.metric_fact_sets", newRows: "kpi_new_metric_fact_sets", grouping: { org, catalogue in """
            SELECT g.org_id, g.period_kind, g.period_start, g.scope_kind, g.scope_id, s.*
            FROM (SELECT n.org_id, n.period_kind, n.period_start, n.scope_kind, n.scope_id, array_agg(m.id) AS ids,
                         array_agg(n.value) AS vals, array_agg(n.numerator) AS nums, array_agg(n.denominator) AS dens
                  FROM kpi_new_facts n
                  JOIN unnest(\(catalogue.metricNames)::text[], \(catalogue.metricIDs)::smallint[]) AS m (name, id) ON m.name = n.metric
                  WHERE n.org_id = \(org)
                  GROUP BY 1, 2, 3, 4, 5) g
            CROSS JOIN LATERAL (
                SELECT array_agg(u.id) AS metric_ids, array_agg(u.val) AS value_array,
                       CASE WHEN bool_or(u.num IS NOT NULL) THEN array_agg(u.num) END AS numerator_array,
                       CASE WHEN bool_or(u.den IS NOT NULL) THEN array_agg(u.den) END AS denominator_array
                FROM (SELECT * FROM unnest(g.ids, g.vals, g.nums, g.dens) AS u(id, val, num, den) ORDER BY u.id) u) s
            """ },
            keyColumns: ["period_kind", "period_start", "scope_kind", "scope_id"],
            valueColumns: ["metric_ids", "value_array", "numerator_array", "denominator_array"]),
        StoredTable(table: "kpi.stage_facts", newRows: "kpi_new_stage_facts", grouping: nil,
                    keyColumns: ["period_kind", "period_start", "stage_id", "metric"],
                    valueColumns: ["value", "numerator", "denominator"]),
        StoredTable(table: "kpi.breakdown_fact_sets", newRows: "kpi_new_breakdown_fact_sets", grouping: { org, catalogue in """
            SELECT g.org_id, g.period_kind, g.period_start, g.scope_kind, g.scope_id, s.*
            FROM (SELECT n.org_id, n.period_kind, n.period_start, n.scope_kind, n.scope_id, array_agg(b.id) AS ids,
                         array_agg(n.key) AS keys, array_agg(n.value) AS vals
                  FROM kpi_new_breakdown_facts n
                  JOIN unnest(\(catalogue.seriesDimensions)::text[], \(catalogue.seriesMetrics)::text[], \(catalogue.seriesIDs)::smallint[])
                       AS b (dimension, metric, id) ON b.dimension = n.dimension AND b.metric = n.metric
                  WHERE n.org_id = \(org)
                  GROUP BY 1, 2, 3, 4, 5) g
            CROSS JOIN LATERAL (
                SELECT array_agg(u.id) AS series_ids, array_agg(u.key) AS keys, array_agg(u.val) AS value_array
                FROM (SELECT * FROM unnest(g.ids, g.keys, g.vals) AS u(id, key, val) ORDER BY u.id, u.key) u) s
            """ },
            keyColumns: ["period_kind", "period_start", "scope_kind", "scope_id"],
            valueColumns: ["series_ids", "keys", "value_array"]),
    ]

    /// Makes the stored facts of the run's covered periods (`kpi_periods`) equal the run's new
    /// facts, table by table. Must run under the org's materialization lock.
    /// - Parameter replaced: called after each table with its name and the rows it wrote.
    /// - Returns: stored rows deleted, inserted or updated.
    func replaceCoveredPeriods(orgID: Int64, on connection: Connection,
                               replaced: (String, Int) -> Void = { _, _ in }) throws -> Int {
        let covered = try Self.coveredPeriods(orgID: orgID, on: connection)
        let catalogue = try CatalogueKeys.read(on: connection)
        var written = 0
        for table in Self.tables {
            let rows = try self.replace(table, orgID: orgID, covered: covered, catalogue: catalogue, on: connection)
            replaced(table.table, rows)
            written += rows
        }
        return written
    }

    /// The org's id as a literal. Citus routes an INSERT … SELECT between an org's tables to the
    /// org's node only when it sees the org's id as a constant while planning; with the id as a
    /// parameter it plans the statement for every shard. An `Int64` prints as digits only.
    static func orgLiteral(_ orgID: Int64) -> Query {
        Query(unescaped: String(orgID))
    }

    /// A condition on a stored table's rows `f` that holds for every row of the run's covered
    /// periods (`kpi_periods`) and for few others: their kinds and their starts, as arrays the
    /// primary key's leading columns can be searched with. The statements below still match
    /// each row to its period exactly; this only keeps them from reading the org's whole
    /// history. (Joined to `kpi_periods` alone, with nested loops off, they read every stored
    /// row of the org: a night of a 200-rep org spent a quarter of a second there.)
    static func coveredPeriods(orgID: Int64, on connection: Connection) throws -> Query {
        var kinds = Set<String>(), starts = Set<LocalDate>()
        for row in try connection.query("""
            SELECT DISTINCT period_kind, period_start FROM kpi_periods WHERE org_id = \(Self.orgLiteral(orgID))
            """).rows {
            kinds.insert(try row.decode("period_kind"))
            starts.insert(try row.decode("period_start"))
        }
        return "f.period_kind = ANY(\(kinds.sorted())::text[]) AND f.period_start = ANY(\(starts.sorted())::date[])"
    }

    /// Deletes stored rows no longer computed, updates rows whose values differ, inserts missing
    /// rows in key order (which keeps the primary key's insertions local). Without a competing
    /// writer (the org's lock) it needs no upsert.
    private func replace(_ stored: StoredTable, orgID: Int64, covered: Query, catalogue: CatalogueKeys,
                         on connection: Connection) throws -> Int {
        let org = Self.orgLiteral(orgID)
        let keys = stored.keyColumns.joined(separator: ", ")
        let values = stored.valueColumns.joined(separator: ", ")
        let sameKey = stored.keyColumns.map { "n.\($0) = f.\($0)" }.joined(separator: " AND ")
        let table = stored.table, newRows = stored.newRows
        if let grouping = stored.grouping {
            // Grouped by hashing even where the planner expects the hash table to spill: the
            // sorted alternative compares text keys under the database's collation, which
            // took 1.8 s against 1.2 s for half a million breakdown values.
            try connection.execute("SET LOCAL enable_sort = off")
            try connection.execute("INSERT INTO \(unescaped: newRows) (org_id, \(unescaped: keys), \(unescaped: values)) \(grouping(org, catalogue))")
            try connection.execute("RESET enable_sort")
            // Statistics of the key columns only: the joins below match on them, and element
            // statistics of the value arrays would cost about as much as the grouping itself.
            if !self.distributed { try connection.execute("ANALYZE \(unescaped: newRows) (\(unescaped: keys))") }
        }
        // These statements touch every fact of the covered periods. The fact tables keep no
        // planner statistics on the columns readers reach (sql/023), so the planner cannot see
        // that and, left alone, picks nested loops that rescan the new rows for every stored
        // row; hash and merge joins are right for them whatever the estimates say.
        try connection.execute("SET LOCAL enable_nestloop = off")
        defer { _ = try? connection.execute("RESET enable_nestloop") }
        let removed = try connection.execute("""
            DELETE FROM \(unescaped: table) f USING kpi_periods p
            WHERE f.org_id = \(org) AND \(covered) AND p.org_id = \(org) AND f.period_kind = p.period_kind
              AND f.period_start = p.period_start
              AND NOT EXISTS (SELECT 1 FROM \(unescaped: newRows) n WHERE n.org_id = \(org) AND \(unescaped: sameKey))
            """)
        // One anti-join finds the new and changed rows; on a rerun over unchanged data, none.
        let changes = "\(newRows)_changes"
        let sameValues = stored.valueColumns.map { "f.\($0) IS NOT DISTINCT FROM n.\($0)" }.joined(separator: " AND ")
        let assignments = stored.valueColumns.map { "\($0) = n.\($0)" }.joined(separator: ", ")
        let written = try connection.execute("""
            INSERT INTO \(unescaped: changes)
            SELECT * FROM \(unescaped: newRows) n
            WHERE n.org_id = \(org) AND NOT EXISTS (SELECT 1 FROM \(unescaped: table) f
                              WHERE f.org_id = \(org) AND \(covered) AND \(unescaped: sameKey) AND \(unescaped: sameValues))
            """)
        guard written > 0 else { return removed }
        if !self.distributed { try connection.execute("ANALYZE \(unescaped: changes) (\(unescaped: keys))") }
        try connection.execute("""
            UPDATE \(unescaped: table) f SET \(unescaped: assignments)
            FROM \(unescaped: changes) n
            WHERE f.org_id = \(org) AND \(covered) AND n.org_id = \(org) AND \(unescaped: sameKey)
            """)
        try connection.execute("""
            INSERT INTO \(unescaped: table) (org_id, \(unescaped: keys), \(unescaped: values))
            SELECT n.org_id, \(unescaped: keys), \(unescaped: values) FROM \(unescaped: changes) n
            WHERE n.org_id = \(org)
              AND NOT EXISTS (SELECT 1 FROM \(unescaped: table) f WHERE f.org_id = \(org) AND \(covered) AND \(unescaped: sameKey))
            ORDER BY \(unescaped: keys)
            """)
        return removed + written
    }
}
