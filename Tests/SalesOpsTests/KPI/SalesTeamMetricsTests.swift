import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Sales-team metrics: headcount, turnover, retention, tenure and ramp-up")
struct SalesTeamMetricsTests {
    @Test("headcount, turnover, retention, tenure and ramp-up over a month with a leaver and a joiner")
    func salesTeam() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.reps, """
            external_id,name,email,team_external_id,hired_on,left_on
            r-leaves,Leaves,l@x.example,dach,2026-01-01,2026-11-10
            r-joins,Joins,j@x.example,dach,2026-11-03,
            """)
        try kpi.load(.activities, "external_id,rep_external_id,kind,occurred_at\nx-1,r-joins,call,2026-11-08T09:00:00Z\nx-0,r-dach,call,2026-10-01T09:00:00Z\n")
        try kpi.materialize("2026-11-20", "2026-11-20")
        func fact(_ metric: String) throws -> (Decimal?, Decimal?, Decimal?)? {
            try kpi.fact(metric, "month", "2026-11-01", scope: "team", id: "dach")
        }
        // dach on Oct 31: r-dach (2020) and r-leaves; on Nov 20: r-dach and r-joins.
        #expect(try fact("headcount_start")?.0 == 2)
        #expect(try fact("headcount_end")?.0 == 2)
        #expect(try fact("reps_left")?.0 == 1)
        let turnover = try #require(try fact("rep_turnover_rate"))
        #expect(turnover.0 == 50 && turnover.1 == 1 && turnover.2 == 2)
        let retention = try #require(try fact("rep_retention_rate"))
        #expect(retention.0 == 50 && retention.1 == 1)
        // Tenure on Nov 20: r-dach 2020-01-01 → 2515 days, r-joins 17 days.
        let tenure = try #require(try fact("average_tenure_days"))
        #expect(tenure.1 == 2532 && tenure.2 == 2 && tenure.0 == 1266)
        // r-joins's first activity is on Nov 8, five days after hire; r-dach's first was in October.
        let ramp = try #require(try fact("ramp_up_days"))
        #expect(ramp.0 == 5 && ramp.2 == 1)
        #expect(try kpi.fact("headcount_end", "month", "2026-11-01", scope: "rep", id: "r-dach") == nil, "no rep rows")
        #expect(try kpi.value("headcount_end", "month", "2026-11-01", scope: "team", id: "emea") == 3)
    }
}
