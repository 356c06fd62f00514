import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Target attainment and pace follow SPEC §5.3")
struct TargetAttainmentTests {
    struct Attainment {
        var actual: Decimal?
        var attainment: Decimal?
        var expected: Decimal?
        var pace: Decimal?
    }

    /// An org with a materialized November 2026 (as of the 15th) and one metric fact.
    static func setUp() throws -> (Connection, Org) {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        try connection.withOrg(org.id) { connection in
            try connection.execute("""
                INSERT INTO kpi.materialized_periods (org_id, period_kind, period_start, period_end, as_of, computed_at)
                VALUES (\(org.id), 'month', '2026-11-01', '2026-11-30', '2026-11-15', now())
                """)
            try connection.execute("""
                INSERT INTO kpi.metric_fact_sets (org_id, period_kind, period_start, scope_kind, scope_id,
                                                  metric_ids, value_array, numerator_array, denominator_array)
                SELECT \(org.id), 'month', '2026-11-01', 'org', 0, array_agg(m.id ORDER BY m.id),
                       array_agg(v.value ORDER BY m.id), array_agg(v.numerator ORDER BY m.id), array_agg(v.denominator ORDER BY m.id)
                FROM (VALUES ('revenue', 60000, NULL::numeric, NULL::numeric), ('sales_cycle_days', 40, 400, 10))
                     AS v (metric, value, numerator, denominator)
                JOIN salesops.metrics m ON m.name = v.metric
                """)
        }
        return (connection, org)
    }

    static func attainment(_ connection: Connection, _ org: Org, metric: String, period: String) throws -> Attainment? {
        try connection.withOrg(org.id) { connection in
            try connection.query("""
                SELECT actual, attainment_pct, expected_to_date, pace_pct
                FROM kpi.target_attainment WHERE scope_kind = 'org' AND metric = \(metric) AND period_start = (
                    SELECT b.period_start FROM salesops.orgs o, salesops.period_bounds(\(period), o.fiscal_year_start_month) b
                    WHERE o.id = \(org.id))
                """).singleRow().map { row in
                Attainment(actual: try row.decode("actual"), attainment: try row.decode("attainment_pct"),
                           expected: try row.decode("expected_to_date"), pace: try row.decode("pace_pct"))
            }
        }
    }

    static func setTarget(_ connection: Connection, _ org: Org, metric: String, period: String, value: Decimal) throws {
        try connection.withTenant(org.id) { session in
            _ = try TargetRepository(session: session).set(scope: .org, metric: metric, period: period, value: value)
        }
    }

    @Test("a sum: attainment is actual over target; pace compares with the target's share of elapsed days")
    func sumWithPace() throws {
        let (connection, org) = try Self.setUp()
        let result = try #require(try Self.attainment(connection, org, metric: "revenue", period: "2026-11"))
        #expect(result.actual == 60000)
        #expect(result.attainment == 50)
        #expect(result.expected == 60000)
        #expect(result.pace == 100)
    }

    @Test("less is better: attainment is target over actual, and there is no pace")
    func lowerIsBetter() throws {
        let (connection, org) = try Self.setUp()
        try Self.setTarget(connection, org, metric: "sales_cycle_days", period: "2026-11", value: 30)
        let result = try #require(try Self.attainment(connection, org, metric: "sales_cycle_days", period: "2026-11"))
        #expect(result.actual == 40 && result.attainment == 75 && result.expected == nil && result.pace == nil)
    }

    @Test("a missing fact reads as 0 for a count and as null for a ratio")
    func missingRowRule() throws {
        let (connection, org) = try Self.setUp()
        try Self.setTarget(connection, org, metric: "deals_won", period: "2026-11", value: 10)
        try Self.setTarget(connection, org, metric: "win_rate", period: "2026-11", value: 35)
        let count = try #require(try Self.attainment(connection, org, metric: "deals_won", period: "2026-11"))
        #expect(count.actual == 0 && count.attainment == 0 && count.expected == 5 && count.pace == 0)
        let ratio = try #require(try Self.attainment(connection, org, metric: "win_rate", period: "2026-11"))
        #expect(ratio.actual == nil && ratio.attainment == nil && ratio.pace == nil)
    }

    @Test("a target appears only once its period has been materialized")
    func onlyMaterializedPeriods() throws {
        let (connection, org) = try Self.setUp()
        #expect(try Self.attainment(connection, org, metric: "revenue", period: "2026-Q3") == nil)
        let count = try connection.withOrg(org.id) { try $0.query("SELECT count(*) AS n FROM kpi.target_attainment").rows[0].decode("n", as: Int.self) }
        // The demo's November targets at org scope (revenue, win_rate) and team and rep scope (revenue).
        #expect(count == 5)
    }
}
