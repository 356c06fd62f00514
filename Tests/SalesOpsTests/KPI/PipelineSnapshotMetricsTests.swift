import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Pipeline snapshots at the end of a period")
struct PipelineSnapshotMetricsTests {
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
