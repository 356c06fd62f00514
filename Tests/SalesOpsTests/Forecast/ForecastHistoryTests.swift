import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Forecast history: every materialization keeps its forecasts as of its last day in kpi.forecasts")
struct ForecastHistoryTests {
    @Test("a night stores the month, quarter and fiscal year of every scope, each equal to forecast show as of that day")
    func nightEqualsForecastShow() throws {
        let fixture = try ForecastFixture()
        try fixture.kpi.load(.forecastCalls, """
            rep_external_id,team_external_id,period,category,amount,submitted_at
            r-dach,dach,2026-03,commit,2900,2026-03-10T09:00:00Z
            r-us,us,2026-03,commit,100,2026-03-10T09:00:00Z
            ,emea,2026-03,commit,3000,2026-03-12T09:00:00Z
            ,emea,2026-03,commit,3300,2026-03-16T09:00:00Z
            """)
        try fixture.kpi.load(.targets, """
            scope,scope_external_id,metric,period,value
            org,,revenue,2026-03,4000
            rep,r-dach,revenue,2026-Q1,9000
            """)
        try fixture.kpi.materialize("2026-03-09", "2026-03-15")
        let rows = try self.stored(fixture)
        // The org, three teams and three reps, for 2026-03, 2026-Q1 and 2026.
        #expect(rows.count == 21)
        #expect(Set(rows.map(\.period)) == ["2026-03", "2026-Q1", "2026"])
        for row in rows {
            let shown = try fixture.forecast(row.period, scope: row.scope, asOf: ForecastFixture.asOf)
            #expect(row.value == shown.value, "\(row.period) \(row.scope)")
            #expect(row.target == shown.target, "\(row.period) \(row.scope)")
        }
        let march = Dictionary(uniqueKeysWithValues: rows.filter { $0.period == "2026-03" }.map { ($0.scope.label, $0) })
        #expect(march["org"]?.value == 3100 && march["org"]?.target == 4000)
        #expect(march["org"]?.attainment == Decimal(string: "77.5"))
        // The latest commit known by the end of the day: a manager's call stands for the team,
        // else the team's reps' calls add up; the org adds up every rep's.
        #expect(march["team:emea"]?.commit == 3000)
        #expect(march["team:dach"]?.commit == 2900)
        #expect(march["org"]?.commit == 3000)
        #expect(march["rep:r-us"]?.value == 0 && march["rep:r-us"]?.commit == 100)
        #expect(rows.first { $0.period == "2026-Q1" && $0.scope == .rep("r-dach") }?.target == 9000)

        // A later night adds its own rows; running a night again replaces only its own.
        try fixture.kpi.materialize("2026-03-16", "2026-03-16")
        try fixture.kpi.materialize("2026-03-16", "2026-03-16")
        let nights = try self.stored(fixture, asOf: nil)
        #expect(nights.count == 42)
        #expect(nights.filter { $0.asOf == ForecastFixture.asOf } == rows)
        #expect(nights.first { $0.asOf == LocalDate("2026-03-16")! && $0.scope == .team("emea") && $0.period == "2026-03" }?.commit == 3300)
    }

    struct Row: Equatable {
        var period: String, scope: TargetScope, asOf: LocalDate
        var value: Decimal, target: Decimal?, attainment: Decimal?, commit: Decimal?
    }

    func stored(_ fixture: ForecastFixture, asOf: LocalDate? = ForecastFixture.asOf) throws -> [Row] {
        try fixture.connection.withTenant(fixture.org.id) { session in
            try session.connection.query("""
                SELECT period, scope_kind, scope_external_id, as_of, value, target, attainment_pct, commit_call
                FROM kpi.forecasts WHERE org_id = \(fixture.org.id) AND (\(asOf)::date IS NULL OR as_of = \(asOf)::date)
                ORDER BY as_of, period_kind, scope_kind, scope_external_id
                """).rows.map { row in
                Row(period: try row.decode("period"),
                    scope: try TargetScope.parse(kind: try row.decode("scope_kind"), externalID: try row.decode("scope_external_id")),
                    asOf: try row.decode("as_of"), value: try row.decode("value"), target: try row.decode("target"),
                    attainment: try row.decode("attainment_pct"), commit: try row.decode("commit_call"))
            }
        }
    }
}
