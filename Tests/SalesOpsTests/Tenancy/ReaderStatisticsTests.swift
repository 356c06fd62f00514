import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// A reader's EXPLAIN must not vary with another org's data: planner statistics gathered over
/// every org would let leakproof operators (=, <) estimate with values RLS hides. Every
/// relation and column a reader can reach is found from the catalog.
@Suite("No planner estimate a reader can see varies with another org's data")
struct ReaderStatisticsTests {
    /// A relation column `salesops_reader` may select, in a tenant schema.
    struct ReachableColumn: CustomStringConvertible {
        var relation: String
        var column: String
        var type: String
        var isTable: Bool
        /// How the relation names an org: `org_id`, or `id` for the registry.
        var orgColumn: String

        var description: String { "\(self.relation).\(self.column)" }
    }

    static func reachableColumns(_ connection: Connection) throws -> [ReachableColumn] {
        try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS relation, a.attname::text AS column_name,
                   format_type(a.atttypid, a.atttypmod) AS type, c.relkind IN ('r', 'p') AS is_table,
                   CASE WHEN c.oid = 'salesops.orgs'::regclass THEN 'id' ELSE 'org_id' END AS org_column
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind IN ('r', 'p', 'v')
              AND (c.relrowsecurity OR c.relkind = 'v')
              AND has_column_privilege('salesops_reader', c.oid, a.attnum, 'SELECT')
              AND EXISTS (SELECT 1 FROM pg_attribute o WHERE o.attrelid = c.oid AND NOT o.attisdropped
                          AND o.attname = CASE WHEN c.oid = 'salesops.orgs'::regclass THEN 'id' ELSE 'org_id' END)
            ORDER BY 1, a.attnum
            """).rows.map {
            ReachableColumn(relation: try $0.decode("relation"), column: try $0.decode("column_name"), type: try $0.decode("type"),
                            isTable: try $0.decode("is_table"), orgColumn: try $0.decode("org_column"))
        }
    }

    /// A value of the column's type that no org holds, or nil for a type with too few values
    /// for one to be free (booleans).
    static func valueNobodyHas(_ column: ReachableColumn, admin: Connection) throws -> String? {
        switch column.type {
        case "boolean": return nil
        case let type where type.hasSuffix("[]"): return "{}" // no stored row holds an empty array
        case "date": return "2199-01-01"
        case let type where type.hasPrefix("timestamp"): return "2199-01-01 00:00:00+00"
        case let type where ["bigint", "integer", "smallint", "double precision", "real"].contains(type) || type.hasPrefix("numeric"):
            let max: String? = try admin.query(Query(unescaped: "SELECT (max(\(column.column)) + 1000)::text AS v FROM \(column.relation)"))
                .rows[0].decode("v")
            return max ?? "1000"
        default: return "zz-nobody-" + UUID().uuidString.lowercased()
        }
    }

    /// Up to `limit` distinct values org B holds in the column, most frequent first.
    static func valuesOf(_ org: Org, in column: ReachableColumn, admin: Connection, limit: Int = 3) throws -> [String] {
        try admin.query(Query(unescaped: """
            SELECT \(column.column)::text AS v FROM \(column.relation)
            WHERE \(column.orgColumn) = $1 AND \(column.column) IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT \(limit)
            """, bindings: [.init(text: String(org.id), type: .int8)])).rows.map { try $0.decode("v") }
    }

    /// The planner's estimated rows of `SELECT 1 FROM relation WHERE column OP value`, as the reader.
    static func estimate(_ column: ReachableColumn, _ op: String, _ value: String, on reader: Connection) throws -> Double {
        let plan: String = try reader.query(Query(unescaped: """
            EXPLAIN (FORMAT JSON) SELECT 1 FROM \(column.relation) WHERE \(column.column) \(op) $1::\(column.type)
            """, bindings: [.init(text: value, type: .text)])).rows[0].decode("QUERY PLAN")
        let json = try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]]
        return try #require((json?.first?["Plan"] as? [String: Any])?["Plan Rows"] as? Double)
    }

    @Test("for every relation and column a reader reaches, EXPLAIN with org B's values estimates what it does with values nobody has")
    func estimatesDoNotVaryWithAnotherOrgsValues() throws {
        let fixture = try ReaderRoleIsolationTests.fixture()
        try fixture.admin.execute("ANALYZE")
        let columns = try Self.reachableColumns(fixture.admin)
        #expect(columns.contains { $0.relation == "kpi.breakdown_fact_sets" && $0.column == "keys" })
        #expect(columns.contains { $0.relation == "salesops.orgs" && $0.column == "slug" })
        #expect(columns.contains { $0.relation == "kpi.metric_values" && $0.column == "value" })
        let reader = try fixture.database.connect(as: fixture.reader)
        defer { reader.close() }
        var probed = 0
        for column in columns {
            guard let nobody = try Self.valueNobodyHas(column, admin: fixture.admin) else { continue }
            for op in ["=", "<", ">"] {
                let baseline = try Self.estimate(column, op, nobody, on: reader)
                for value in try Self.valuesOf(fixture.orgB, in: column, admin: fixture.admin) {
                    let estimate = try Self.estimate(column, op, value, on: reader)
                    probed += 1
                    #expect(estimate == baseline,
                            "\(column) \(op) \(value): \(estimate) rows estimated, \(baseline) for a value nobody has")
                }
            }
        }
        #expect(probed > 100)
    }

    @Test("no column a reader reaches keeps planner statistics, and ANALYZE gathers none again")
    func reachableColumnsKeepNoStatistics() throws {
        let fixture = try ReaderRoleIsolationTests.fixture()
        try fixture.admin.execute("ANALYZE")
        let kept: [String] = try fixture.admin.query("""
            SELECT format('%s.%I (target %s, %s rows)', c.oid::regclass, a.attname, a.attstattarget,
                          (SELECT count(*) FROM pg_statistic s WHERE s.starelid = c.oid AND s.staattnum = a.attnum)) AS what
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND has_column_privilege('salesops_reader', c.oid, a.attnum, 'SELECT')
              AND (a.attstattarget <> 0 OR EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = c.oid AND s.staattnum = a.attnum))
            """).rows.map { try $0.decode("what") }
        #expect(kept.isEmpty, "columns with statistics: \(kept)")
        // Neither extended statistics nor expression indexes over reachable columns only (whose
        // expressions a reader could write) carry statistics of their own.
        let derived: Int = try fixture.admin.query("""
            SELECT (SELECT count(*) FROM pg_statistic_ext e JOIN pg_class c ON c.oid = e.stxrelid
                    WHERE c.relrowsecurity AND has_table_privilege('salesops_reader', c.oid, 'SELECT'))
                 + (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                    WHERE i.indexprs IS NOT NULL AND c.relrowsecurity
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                      WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                                        AND d.refobjid = c.oid AND d.refobjsubid > 0
                                        AND NOT has_column_privilege('salesops_reader', c.oid, d.refobjsubid::smallint, 'SELECT'))) AS n
            """).rows[0].decode("n")
        #expect(derived == 0)
    }

    @Test("hide_reader_statistics (migration 023) removes statistics gathered before it, and the reader still reads its KPIs")
    func existingStatisticsAreRemoved() throws {
        let fixture = try ReaderRoleIsolationTests.fixture()
        // The state before migration 023: statistics gathered on every column.
        try fixture.admin.execute("""
            DO $$ DECLARE col record; BEGIN
              FOR col IN SELECT c.oid::regclass AS rel, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                         WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind = 'r' AND a.attstattarget = 0 LOOP
                EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS -1', col.rel, col.attname);
              END LOOP;
            END $$
            """)
        try fixture.admin.execute("ANALYZE")
        let reader = try fixture.database.connect(as: fixture.reader)
        defer { reader.close() }
        let key: String = try fixture.admin.query("""
            SELECT k FROM kpi.breakdown_fact_sets, unnest(keys) AS k GROUP BY k ORDER BY count(*) DESC LIMIT 1
            """).rows[0].decode("k")
        let keyColumn = ReachableColumn(relation: "kpi.breakdown_fact_sets", column: "keys", type: "text[]", isTable: true, orgColumn: "org_id")
        let probe = "{\"\(key)\"}"
        let leaking = try Self.estimate(keyColumn, "@>", probe, on: reader)
        let nobody = try Self.estimate(keyColumn, "@>", "{zz-nobody}", on: reader)
        #expect(leaking != nobody, "with statistics the estimate shows the key: the probe can tell")

        let removed: Int = try fixture.admin.withTransaction {
            try $0.query("SELECT salesops_meta.hide_reader_statistics() AS removed").rows[0].decode("removed")
        }
        #expect(removed > 20)
        try fixture.admin.execute("ANALYZE")
        #expect(try Self.estimate(keyColumn, "@>", probe, on: reader) == Self.estimate(keyColumn, "@>", "{zz-nobody}", on: reader))
        let own: Int = try reader.query("SELECT count(*) AS n FROM kpi.metric_values").rows[0].decode("n")
        #expect(own > 0)
    }
}
