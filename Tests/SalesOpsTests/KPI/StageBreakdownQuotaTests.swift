import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Stage metrics, breakdowns and reps at quota")
struct StageBreakdownQuotaTests {
    @Test("stage stays end at the next change; back-moves do not count as advancing")
    func stageMetrics() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals(["d-1,r-us,Won,100,2026-11-01T00:00:00Z,2026-11-09T00:00:00Z", "d-2,r-us,Open,100,2026-11-01T00:00:00Z,"])
        try kpi.load(.stages, "pipeline,name,position,kind\nP,Middle,4,open\n")
        try kpi.load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            d-1,,Open,2026-11-01T00:00:00Z
            d-1,Open,Middle,2026-11-03T00:00:00Z
            d-1,Middle,Open,2026-11-04T12:00:00Z
            d-1,Open,Won,2026-11-09T00:00:00Z
            d-2,,Open,2026-11-02T00:00:00Z
            """)
        try kpi.materialize("2026-11-01", "2026-11-10")
        func fact(_ metric: String, _ stage: String) throws -> (Decimal?, Decimal?, Decimal?)? {
            try kpi.connection.withOrg(kpi.org.id) { connection in
                try connection.query("""
                    SELECT value, numerator, denominator FROM kpi.stage_metrics
                    WHERE period_kind = 'month' AND period_start = '2026-11-01' AND stage = \(stage) AND metric = \(metric)
                    """).singleRow().map { (try $0.decode("value"), try $0.decode("numerator"), try $0.decode("denominator")) }
            }
        }
        #expect(try fact("stage_entries", "Open")?.0 == 3)
        // Stays in Open that ended: 11-01→11-03 (2 days, advanced), 11-04 12:00→11-09 (4.5 days, to won).
        let open = try #require(try fact("stage_avg_days", "Open"))
        #expect(open.1 == 6.5 && open.2 == 2 && open.0 == 3.25)
        #expect(try fact("stage_conversion_rate", "Open")?.0 == 100)
        // The stay in Middle (1.5 days) ended with a move back to Open: not advanced.
        let middle = try #require(try fact("stage_conversion_rate", "Middle"))
        #expect(middle.0 == 0 && middle.1 == 0 && middle.2 == 1)
    }

    @Test("breakdowns by dimension with (none) for null keys, and the lead lifecycle snapshot")
    func breakdowns() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.accounts, "external_id,name,region\na-1,One,DACH\na-2,Two,\n")
        try kpi.load(.deals, """
            external_id,owner_rep_external_id,stage,amount,created_at,closed_at,account_external_id,pipeline,product,type
            d-1,r-dach,Won,100,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,a-1,P,Core,upsell
            d-2,r-dach,Won,50,2026-11-01T00:00:00Z,2026-11-03T00:00:00Z,a-2,P,,new
            """)
        try kpi.load(.leads, """
            external_id,owner_rep_external_id,source,created_at,mql_at,sql_at,converted_at,disqualified_at
            l-1,r-dach,web,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,2026-11-20T00:00:00Z,,
            l-2,r-dach,,2026-11-01T00:00:00Z,,,,2026-11-03T00:00:00Z
            """)
        try kpi.materialize("2026-11-05", "2026-11-05")
        let rows = try kpi.connection.withOrg(kpi.org.id) { connection in
            try connection.query("""
                SELECT dimension || '/' || key || '/' || metric || '=' || trim_scale(value)::text AS row FROM kpi.breakdowns
                WHERE period_kind = 'month' AND scope_kind = 'team' AND scope_external_id = 'dach' ORDER BY 1
                """).rows.map { try $0.decode("row", as: String.self) }
        }
        #expect(rows == [
            "deal_type/new/deals_won=1", "deal_type/new/revenue=50", "deal_type/upsell/deals_won=1", "deal_type/upsell/revenue=100",
            "lead_source/(none)/new_leads=1", "lead_source/web/new_leads=1",
            "lifecycle_stage/disqualified/leads=1", "lifecycle_stage/mql/leads=1",
            "product/(none)/deals_won=1", "product/(none)/revenue=50", "product/Core/deals_won=1", "product/Core/revenue=100",
            "region/(none)/deals_won=1", "region/(none)/revenue=50", "region/DACH/deals_won=1", "region/DACH/revenue=100",
            "source/(none)/deals_won=2", "source/(none)/revenue=150",
        ])
    }

    @Test("reps at quota: reps with a revenue target for exactly this period, counted by current team")
    func repsAtQuota() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals(["d-1,r-dach,Won,100,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z", "d-2,r-emea,Won,50,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z"])
        try kpi.load(.targets, """
            scope,scope_external_id,metric,period,value
            rep,r-dach,revenue,2026-11,100
            rep,r-emea,revenue,2026-11,100
            rep,r-us,revenue,2026-11,1
            rep,r-us,revenue,2026-Q4,1
            """)
        try kpi.materialize("2026-11-05", "2026-11-05")
        let emea = try #require(try kpi.fact("reps_at_quota_rate", "month", "2026-11-01", scope: "team", id: "emea"))
        #expect(emea.0 == 50 && emea.1 == 1 && emea.2 == 2)
        let org = try #require(try kpi.fact("reps_at_quota_rate", "month", "2026-11-01"))
        #expect(org.1 == 1 && org.2 == 3, "r-us missed its 1: no revenue")
        #expect(try kpi.fact("reps_at_quota_rate", "quarter", "2026-10-01")?.2 == 1)
        #expect(try kpi.fact("reps_at_quota_rate", "month", "2026-11-01", scope: "rep", id: "r-dach") == nil)
    }
}
