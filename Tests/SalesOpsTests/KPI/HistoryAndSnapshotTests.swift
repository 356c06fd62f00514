import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Growth, prospects and pipeline snapshots")
struct HistoryAndSnapshotTests {
    @Test("revenue growth: 100,000 in October to 120,000 in November is 20%")
    func growthWorkedExample() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals([
            "d-1,r-us,Won,100000,2026-09-01T08:00:00Z,2026-10-10T08:00:00Z",
            "d-2,r-us,Won,120000,2026-09-01T08:00:00Z,2026-11-10T08:00:00Z",
        ])
        try kpi.materialize("2026-11-30", "2026-11-30")
        let growth = try #require(try kpi.fact("revenue_growth_rate", "month", "2026-11-01"))
        #expect(growth.0 == 20 && growth.1 == 20000 && growth.2 == 100_000)
    }

    @Test("a partial period compares with the same stretch of the previous one, capped at its end")
    func growthPeriodToDate() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals([
            "d-1,r-us,Won,100,2026-01-01T08:00:00Z,2026-02-05T08:00:00Z",  // in Feb 1..5
            "d-2,r-us,Won,900,2026-01-01T08:00:00Z,2026-02-20T08:00:00Z",  // Feb, after day 5
            "d-3,r-us,Won,300,2026-01-01T08:00:00Z,2026-03-03T08:00:00Z",
            "d-4,r-us,Won,50,2026-01-01T08:00:00Z,2026-02-28T08:00:00Z",
        ])
        try kpi.materialize("2026-03-05", "2026-03-05")
        // March 1..5 against February 1..5.
        let early = try #require(try kpi.fact("revenue_growth_rate", "month", "2026-03-01"))
        #expect(early.1 == 200 && early.2 == 100 && early.0 == 200)
        try kpi.materialize("2026-03-30", "2026-03-30")
        // March 1..30 against all of February (its 30 first days are capped at the 28th).
        let late = try #require(try kpi.fact("revenue_growth_rate", "month", "2026-03-01"))
        #expect(late.2 == 1050 && late.1 == -750)
    }

    @Test("positive replies: 3 of 50 prospects is 6%, each prospect counted once")
    func positiveReplyWorkedExample() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.leads, "external_id,created_at\n" + (0..<50).map { "l-\($0),2026-10-01T00:00:00Z" }.joined(separator: "\n"))
        var rows = (0..<50).map { "x-\($0),r-dach,email,2026-11-05T10:00:00Z,l-\($0),,\($0 < 3 ? "positive_reply" : "none")" }
        rows.append("x-again,r-dach,call,2026-11-05T11:00:00Z,l-0,,positive_reply")
        rows.append("x-nobody,r-dach,call,2026-11-05T11:00:00Z,,,positive_reply")
        try kpi.load(.activities, "external_id,rep_external_id,kind,occurred_at,lead_external_id,account_external_id,outcome\n" + rows.joined(separator: "\n"))
        try kpi.materialize("2026-11-05", "2026-11-05")
        let rate = try #require(try kpi.fact("positive_reply_rate", "day", "2026-11-05", scope: "rep", id: "r-dach"))
        #expect(rate.0 == 6 && rate.1 == 3 && rate.2 == 50)
        #expect(try kpi.value("prospects_contacted", "day", "2026-11-05", scope: "team", id: "emea") == 50)
        #expect(try kpi.value("activities", "day", "2026-11-05") == 52)
    }

    @Test("weighted pipeline uses stage_at: last change by e, else the earliest change's from-stage, else the current stage")
    func stageAtFallbacks() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.stages, "pipeline,name,position,kind,probability\nP,Open,1,open,10\nP,Won,2,won,\nP,Lost,3,lost,\nP,Late,4,open,40\nP,Later,5,open,80\n")
        try kpi.deals([
            "d-moved,r-us,Late,1000,2026-11-01T08:00:00Z,",
            "d-future,r-us,Later,1000,2026-11-01T08:00:00Z,",
            "d-still,r-us,Open,1000,2026-11-01T08:00:00Z,",
            "d-closed,r-us,Won,1000,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z",
        ])
        try kpi.load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            d-moved,Open,Late,2026-11-02T08:00:00Z
            d-future,Late,Later,2026-11-20T08:00:00Z
            """)
        try kpi.materialize("2026-11-05", "2026-11-05")
        // d-moved: Late (40%) by its change; d-future: from-stage Late (40%) of its later change; d-still: Open (10%).
        #expect(try kpi.value("weighted_pipeline_amount", "day", "2026-11-05") == 900)
        #expect(try kpi.value("open_opportunities", "day", "2026-11-05") == 3)
        #expect(try kpi.value("open_pipeline_amount", "day", "2026-11-05") == 3000)
        // On the 2nd, d-closed was still open (closed on the 3rd), at its current stage Won (100%).
        try kpi.materialize("2026-11-02", "2026-11-02")
        #expect(try kpi.value("open_opportunities", "day", "2026-11-02") == 4)
        #expect(try kpi.value("weighted_pipeline_amount", "day", "2026-11-02") == 1900)
    }
}
