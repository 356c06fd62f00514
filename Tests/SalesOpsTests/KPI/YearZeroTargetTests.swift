import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Year 0000 never poisons an org")
struct YearZeroTargetTests {
    @Test("a target of year 0000 already stored drops out of kpi.target_attainment and target listing instead of failing them")
    func storedRowsAreHarmless() throws {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        defer { connection.close() }
        let org = try SharedDatabase.makeOrg(on: connection)
        try connection.withTenant(org.id) { session in
            _ = try TargetRepository(session: session).set(scope: .org, metric: "revenue", period: "2026-11", value: 10)
        }
        // A row stored before year 0000 was refused: the label function as it was then, for one insert.
        let current: String = try connection.query("""
            SELECT pg_get_functiondef('salesops.period_label_kind(text)'::regprocedure) AS def
            """).rows[0].decode("def")
        try connection.execute("""
            CREATE OR REPLACE FUNCTION salesops.period_label_kind(period text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                SELECT CASE WHEN period ~ '^[0-9]{4}-Q[1-4]$' THEN 'quarter' END $$
            """)
        try connection.withOrg(org.id) { connection in
            try connection.execute("""
                INSERT INTO salesops.targets (org_id, scope_kind, metric, period, value) VALUES (\(org.id), 'org', 'revenue', '0000-Q1', 5)
                """)
        }
        try connection.execute(Query(unescaped: current))
        let day = LocalDate("2026-11-20")!
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: day, to: day)
        let rows: [String] = try connection.withOrg(org.id) { connection in
            try connection.query("SELECT period_kind FROM kpi.target_attainment ORDER BY period_kind").rows.map { try $0.decode("period_kind") }
        }
        #expect(rows == ["month"])
        let listed = try connection.withTenant(org.id) { try TargetRepository(session: $0).list() }
        #expect(listed.count == 2)
        #expect(listed.first { $0.period == "0000-Q1" }?.periodStart == nil)
    }

    @Test("target set refuses year 0000 as bad data", arguments: ["0000", "0000-01", "0000-Q1", "0000-W01"])
    func setRefuses(period: String) throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        #expect(throws: SalesOpsError.self) {
            try connection.withTenant(org.id) { try TargetRepository(session: $0).set(scope: .org, metric: "revenue", period: period, value: 1) }
        }
    }
}
