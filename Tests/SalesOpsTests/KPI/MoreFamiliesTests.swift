import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Survey, sales-team and spend metrics")
struct MoreFamiliesTests {
    @Test("NPS: 5 promoters, 3 passives and 2 detractors of 10 responses is 30; eNPS has no rep rows")
    func nps() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.accounts, "external_id,name,owner_rep_external_id\na-1,One,r-dach\n")
        let scores = [10, 9, 9, 10, 9, 8, 7, 8, 6, 0]
        try kpi.load(.surveys, "external_id,kind,score,responded_at,account_external_id,rep_external_id\n"
            + scores.enumerated().map { "s-\($0.offset),nps,\($0.element),2026-11-05T10:00:00Z,a-1," }.joined(separator: "\n") + "\n"
            + "e-1,enps,10,2026-11-05T10:00:00Z,,r-dach\ne-2,enps,3,2026-11-05T10:00:00Z,,r-dach\n"
            + "c-1,csat,4,2026-11-05T10:00:00Z,a-1,\nc-2,csat,3,2026-11-05T10:00:00Z,a-1,\nc-3,csat,5,2026-11-05T10:00:00Z,,\n")
        try kpi.materialize("2026-11-05", "2026-11-05")
        let nps = try #require(try kpi.fact("nps", "month", "2026-11-01", scope: "rep", id: "r-dach"))
        #expect(nps.0 == 30 && nps.1 == 3 && nps.2 == 10)
        #expect(try kpi.value("nps", "day", "2026-11-05", scope: "team", id: "emea") == 30)
        #expect(try kpi.fact("enps", "day", "2026-11-05", scope: "rep", id: "r-dach") == nil)
        let enps = try #require(try kpi.fact("enps", "day", "2026-11-05", scope: "team", id: "dach"))
        #expect(enps.0 == 0 && enps.1 == 0 && enps.2 == 2)
        let orgCSAT = try #require(try kpi.fact("csat", "day", "2026-11-05"))
        #expect(orgCSAT.1 == 2 && orgCSAT.2 == 3, "the unattributed response counts at org scope")
        #expect(try kpi.value("csat", "day", "2026-11-05", scope: "rep", id: "r-dach") == 50)
    }

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

    @Test("spend counts the months that start by the as-of day; cost per lead and ROMI follow")
    func spend() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.spend, "month,channel,category,amount\n2026-10,web,marketing,1000\n2026-11,web,marketing,500\n2026-12,web,marketing,9999\n2026-11,team,sales,7000\n")
        try kpi.load(.leads, "external_id,created_at\nl-1,2026-11-02T10:00:00Z\nl-2,2026-11-03T10:00:00Z\n")
        try kpi.deals(["d-1,r-us,Won,2000,2026-11-01T08:00:00Z,2026-11-04T08:00:00Z"])
        try kpi.materialize("2026-11-15", "2026-11-15")
        #expect(try kpi.value("marketing_spend", "month", "2026-11-01") == 500)
        #expect(try kpi.value("marketing_spend", "quarter", "2026-10-01") == 1500)
        #expect(try kpi.value("sales_spend", "year", "2026-01-01") == 7000)
        #expect(try kpi.fact("marketing_spend", "day", "2026-11-15") == nil)
        let costPerLead = try #require(try kpi.fact("cost_per_lead", "month", "2026-11-01"))
        #expect(costPerLead.0 == 250 && costPerLead.1 == 500 && costPerLead.2 == 2)
        let romi = try #require(try kpi.fact("romi", "month", "2026-11-01"))
        #expect(romi.0 == 300 && romi.1 == 1500 && romi.2 == 500)
    }
}
