import PostgresClient

/// One table of materialized facts and the run's temporary table of new facts for it.
///
/// Replacing the covered periods writes only what changed: rows of those periods that are no
/// longer computed are deleted (facts are sparse), new rows inserted, and rows whose values
/// differ updated (`IS DISTINCT FROM`), so a rerun over unchanged data writes nothing.
struct FactTable: Sendable {
    /// The stored table, e.g. `kpi.metric_facts`.
    var table: String
    /// The run's temporary table holding the same key and value columns, without `org_id`.
    var newFacts: String
    var keyColumns: [String]
    var valueColumns: [String]

    static let all = [
        FactTable(table: "kpi.metric_facts", newFacts: "kpi_new_facts",
                  keyColumns: ["period_kind", "period_start", "scope_kind", "scope_id", "metric"],
                  valueColumns: ["value", "numerator", "denominator"]),
        FactTable(table: "kpi.stage_facts", newFacts: "kpi_new_stage_facts",
                  keyColumns: ["period_kind", "period_start", "stage_id", "metric"],
                  valueColumns: ["value", "numerator", "denominator"]),
        FactTable(table: "kpi.breakdown_facts", newFacts: "kpi_new_breakdown_facts",
                  keyColumns: ["period_kind", "period_start", "scope_kind", "scope_id", "dimension", "key", "metric"],
                  valueColumns: ["value"]),
    ]

    /// Makes the stored facts of the covered periods equal the new ones: deletes rows no longer
    /// computed, updates rows whose values differ, inserts missing rows in key order (which
    /// keeps the primary key's insertions local). Must run under the org's materialization
    /// lock: without a competing writer it needs no upsert.
    /// - Returns: rows deleted, inserted or updated.
    func replaceCoveredPeriods(orgID: Int64, on connection: Connection) throws -> Int {
        let keys = self.keyColumns.joined(separator: ", ")
        let values = self.valueColumns.joined(separator: ", ")
        let sameKey = self.keyColumns.map { "n.\($0) = f.\($0)" }.joined(separator: " AND ")
        let table = self.table, newFacts = self.newFacts
        // These statements touch every fact of the covered periods. The fact tables keep no
        // planner statistics on the columns readers reach (sql/023), so the planner cannot see
        // that and, left alone, picks nested loops that rescan the new facts for every stored
        // row; hash and merge joins are right for them whatever the estimates say.
        try connection.execute("SET LOCAL enable_nestloop = off")
        defer { _ = try? connection.execute("RESET enable_nestloop") }
        let removed = try connection.execute("""
            DELETE FROM \(unescaped: table) f USING kpi_periods p
            WHERE f.org_id = \(orgID) AND f.period_kind = p.period_kind AND f.period_start = p.period_start
              AND NOT EXISTS (SELECT 1 FROM \(unescaped: newFacts) n WHERE \(unescaped: sameKey))
            """)
        // One anti-join finds the new and changed rows; on a rerun over unchanged data, none.
        // Materialization holds the org's lock, so no other writer races the statements that
        // apply them: changed rows are updated and missing ones inserted without an upsert.
        let changes = "\(newFacts)_changes"
        let sameValues = self.valueColumns.map { "f.\($0) IS NOT DISTINCT FROM n.\($0)" }.joined(separator: " AND ")
        let assignments = self.valueColumns.map { "\($0) = n.\($0)" }.joined(separator: ", ")
        let written = try connection.execute("""
            CREATE TEMPORARY TABLE \(unescaped: changes) ON COMMIT DROP AS
            SELECT * FROM \(unescaped: newFacts) n
            WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: table) f
                              WHERE f.org_id = \(orgID) AND \(unescaped: sameKey) AND \(unescaped: sameValues))
            """)
        guard written > 0 else { return removed }
        try connection.execute("ANALYZE \(unescaped: changes)")
        try connection.execute("""
            UPDATE \(unescaped: table) f SET \(unescaped: assignments)
            FROM \(unescaped: changes) n
            WHERE f.org_id = \(orgID) AND \(unescaped: sameKey)
            """)
        try connection.execute("""
            INSERT INTO \(unescaped: table) (org_id, \(unescaped: keys), \(unescaped: values))
            SELECT \(orgID), \(unescaped: keys), \(unescaped: values) FROM \(unescaped: changes) n
            WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: table) f WHERE f.org_id = \(orgID) AND \(unescaped: sameKey))
            ORDER BY \(unescaped: keys)
            """)
        return removed + written
    }
}
