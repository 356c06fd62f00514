import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Customer metrics: joins and churns in one period, retention, repeat buyers and CLV's window")
struct CustomerMetricsTests {
    @Test("March 2026: one customer churns, another joins and churns in the same month")
    func churnAndRetention() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.accounts, """
            external_id,name,owner_rep_external_id,churned_at
            a-1,One,r-dach,2026-03-10T12:00:00Z
            a-2,Two,r-dach,2026-03-20T12:00:00Z
            """)
        try kpi.load(.deals, """
            external_id,owner_rep_external_id,stage,amount,created_at,closed_at,account_external_id,pipeline
            d-0,r-dach,Won,500,2025-01-01T00:00:00Z,2025-01-10T00:00:00Z,a-1,P
            d-1,r-dach,Won,1000,2025-05-01T00:00:00Z,2025-06-01T00:00:00Z,a-1,P
            d-2,r-us,Won,3000,2026-03-01T00:00:00Z,2026-03-05T00:00:00Z,a-2,P
            """)
        try kpi.materialize("2026-03-31", "2026-03-31")
        func fact(_ metric: String, scope: String = "team", id: String? = "dach") throws -> (Decimal?, Decimal?, Decimal?)? {
            try kpi.fact(metric, "month", "2026-03-01", scope: scope, id: id)
        }
        #expect(try fact("customers_start")?.0 == 1)
        #expect(try fact("new_customers")?.0 == 1)
        #expect(try fact("churned_customers")?.0 == 2)
        #expect(try fact("customers_end") == nil, "0 customers at the end: no row")
        let churn = try #require(try fact("churn_rate"))
        #expect(churn.0 == 100 && churn.1 == 1 && churn.2 == 1)
        let retention = try #require(try fact("retention_rate"))
        #expect(retention.0 == -100 && retention.1 == -1 && retention.2 == 1)
        let repeatRate = try #require(try fact("repeat_customer_rate"))
        #expect(repeatRate.0 == 50 && repeatRate.1 == 1 && repeatRate.2 == 2)
        // Revenue per account follows the deal's owner (r-us), customers the account's (r-dach).
        #expect(try fact("average_revenue_per_account", scope: "rep", id: "r-us")?.0 == 3000)
        #expect(try fact("average_revenue_per_account", scope: "rep", id: "r-dach") == nil)
        // W = 2025-04-01..2026-03-31. Sales follow the deal owner: team dach sold 1,000 to one
        // account (d-1); a-1, a dach customer at the end of 2025-03-31, churned in W, so churn_W
        // = 1 and the lifespan is 1 year. r-us sold 3,000 to one account and owns no customers
        // (churn_W null): 10 years.
        #expect(try fact("customer_lifetime_value")?.0 == 1000)
        #expect(try fact("customer_lifetime_value", scope: "rep", id: "r-us")?.0 == 30000)
    }
}
