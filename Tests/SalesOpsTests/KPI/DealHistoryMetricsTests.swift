import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Revenue growth against the previous period")
struct DealHistoryMetricsTests {
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
}
