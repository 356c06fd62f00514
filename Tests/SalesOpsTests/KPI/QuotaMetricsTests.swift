import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Reps at quota")
struct QuotaMetricsTests {
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
