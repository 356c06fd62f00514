import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Spend metrics and the metrics derived from them")
struct SpendMetricsTests {
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
