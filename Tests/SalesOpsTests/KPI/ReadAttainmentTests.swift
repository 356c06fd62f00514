import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The KPI read (`kpi show`, the API, the dashboard) finds its period's targets itself and
/// computes attainment with the functions the `kpi.target_attainment` view uses (sql/044);
/// this checks that both give the same numbers for every target.
@Suite("The KPI read's targets and attainment equal kpi.target_attainment's")
struct ReadAttainmentTests {
    static let periods = ["2026-10", "2026-Q3", "2026", "2026-W40", "2026-09"]
    static let metrics = ["revenue", "deals_won", "win_rate", "sales_cycle_days", "activities", "average_deal_size",
                          "open_pipeline_amount", "churn_rate", "customer_acquisition_cost"]

    @Test("every target of every scope and period kind: the read's target, attainment, expected to date and pace are the view's")
    func readEqualsView() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: "America/New_York", fiscalYearStartMonth: 4)
        try ImportFixture.importGenerated(DemoDataGenerator(reps: 6, days: 200, lastDay: LocalDate("2026-10-31")!, seed: 5), into: org, connection: connection)
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-07-01")!,
                                                                    to: LocalDate("2026-10-31")!)
        let (teams, reps) = try connection.withOrg(org.id) { connection in
            (try connection.query("SELECT external_id FROM salesops.teams ORDER BY id LIMIT 2").rows.map { try $0.decode("external_id", as: String.self) },
             try connection.query("SELECT external_id FROM salesops.reps ORDER BY id LIMIT 2").rows.map { try $0.decode("external_id", as: String.self) })
        }
        let scopes: [TargetScope] = [.org] + teams.map { .team($0) } + reps.map { .rep($0) }
        // Targets with awkward values (a third, a tiny one) so any change of arithmetic shows in the digits.
        var targets = 0
        try connection.withTenant(org.id) { session in
            let repository = TargetRepository(session: session)
            for (s, scope) in scopes.enumerated() {
                for (p, period) in Self.periods.enumerated() {
                    for (m, metric) in Self.metrics.enumerated() where (s + p + m) % 3 != 0 {
                        let value = Decimal(string: ["1000.3333", "7", "0.01", "45.5", "123456.789"][(s + p + m) % 5])!
                        _ = try repository.set(scope: scope, metric: metric, period: period, value: value)
                        targets += 1
                    }
                }
            }
        }
        var compared = 0
        for scope in scopes {
            for period in Self.periods {
                let readings = try connection.withTenant(org.id) { session in
                    try KPIReader(session: session).read(period: period, scope: scope, metrics: []).1
                }
                let expected = try Self.viewRows(connection, org, scope: scope, period: period)
                for reading in readings {
                    let row = expected[reading.metric]
                    #expect(reading.target == row?.target, "\(scope) \(period) \(reading.metric): target")
                    #expect(reading.attainmentPct == row?.attainment, "\(scope) \(period) \(reading.metric): attainment")
                    #expect(reading.expectedToDate == row?.expected, "\(scope) \(period) \(reading.metric): expected to date")
                    #expect(reading.pacePct == row?.pace, "\(scope) \(period) \(reading.metric): pace")
                    if row != nil { compared += 1 }
                }
                // The same targets on both sides (a target's value is never null).
                #expect(Set(readings.filter { $0.target != nil }.map(\.metric)) == Set(expected.keys), "\(scope) \(period)")
            }
        }
        // Every target set here was compared (the demo data brings a few targets of its own).
        #expect(compared >= targets)
        #expect(targets == 150)
    }

    struct ViewRow {
        var target: Decimal?
        var attainment: Decimal?
        var expected: Decimal?
        var pace: Decimal?
    }

    /// The view's rows of one scope and period label, by metric.
    static func viewRows(_ connection: Connection, _ org: Org, scope: TargetScope, period: String) throws -> [String: ViewRow] {
        let externalID: String? = switch scope {
        case .org: nil
        case .team(let id), .rep(let id): id
        }
        return try connection.withOrg(org.id) { connection in
            var rows: [String: ViewRow] = [:]
            for row in try connection.query("""
                SELECT a.metric, a.target, a.attainment_pct, a.expected_to_date, a.pace_pct
                FROM kpi.target_attainment a
                JOIN salesops.orgs o ON o.id = a.org_id
                CROSS JOIN LATERAL salesops.period_bounds(\(period), o.fiscal_year_start_month) b
                WHERE a.scope_kind = \(scope.kind.rawValue) AND a.scope_external_id IS NOT DISTINCT FROM \(externalID)
                  AND a.period_kind = b.period_kind AND a.period_start = b.period_start
                """).rows {
                rows[try row.decode("metric")] = ViewRow(target: try row.decode("target"), attainment: try row.decode("attainment_pct"),
                                                         expected: try row.decode("expected_to_date"), pace: try row.decode("pace_pct"))
            }
            return rows
        }
    }
}
