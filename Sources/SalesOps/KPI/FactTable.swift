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

    /// Makes the stored facts of the covered periods equal the new ones. New rows go in key
    /// order, which keeps the primary key's insertions local.
    /// - Returns: rows deleted, inserted or updated.
    func replaceCoveredPeriods(orgID: Int64, on connection: Connection) throws -> Int {
        let keys = self.keyColumns.joined(separator: ", ")
        let values = self.valueColumns.joined(separator: ", ")
        let sameKey = self.keyColumns.map { "n.\($0) = f.\($0)" }.joined(separator: " AND ")
        let removed = try connection.execute(Query(sql: """
            DELETE FROM \(self.table) f USING kpi_periods p
            WHERE f.org_id = $1 AND f.period_kind = p.period_kind AND f.period_start = p.period_start
              AND NOT EXISTS (SELECT 1 FROM \(self.newFacts) n WHERE \(sameKey))
            """, bindings: [.init(text: String(orgID), type: .int8)]))
        let written = try connection.execute(Query(sql: """
            INSERT INTO \(self.table) AS f (org_id, \(keys), \(values))
            SELECT $1, \(keys), \(values) FROM \(self.newFacts)
            ORDER BY \(keys)
            ON CONFLICT (org_id, \(keys)) DO UPDATE SET
                \(self.valueColumns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
            WHERE (\(self.valueColumns.map { "f.\($0)" }.joined(separator: ", ")))
                  IS DISTINCT FROM (\(self.valueColumns.map { "EXCLUDED.\($0)" }.joined(separator: ", ")))
            """, bindings: [.init(text: String(orgID), type: .int8)]))
        return removed + written
    }
}
