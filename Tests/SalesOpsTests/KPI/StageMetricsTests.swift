import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Stage metrics: entries, stays and conversions")
struct StageMetricsTests {
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
}
