import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Deals and revenue metrics count local days, scopes and ratios as SPEC §5 says")
struct AdditiveMetricsTests {
    @Test("average deal size: 50,000 over 1,000 won deals is 50")
    func averageDealSize() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals((0..<1000).map { "d-\($0),r-dach,Won,50.00,2026-11-01T08:00:00Z,2026-11-02T08:00:00Z" })
        try kpi.materialize("2026-11-02", "2026-11-02")
        let size = try #require(try kpi.fact("average_deal_size", "day", "2026-11-02"))
        #expect(size.0 == 50 && size.1 == 50_000 && size.2 == 1000)
    }

    @Test("New York DST days: a close at 23:30 local on 2025-03-09 and on 2025-11-02 stays on that local day")
    func newYorkDST() throws {
        let kpi = try KPIFixture(timezone: "America/New_York")
        try kpi.deals([
            "d-1,r-us,Won,100,2025-03-01T00:00:00Z,2025-03-10T03:30:00Z",  // 23:30 EDT on 03-09
            "d-2,r-us,Won,200,2025-03-01T00:00:00Z,2025-03-09T04:30:00Z",  // 23:30 EST on 03-08
            "d-3,r-us,Won,400,2025-10-01T00:00:00Z,2025-11-03T04:30:00Z",  // 23:30 EST on 11-02
            "d-4,r-us,Won,800,2025-10-01T00:00:00Z,2025-11-02T03:30:00Z",  // 23:30 EDT on 11-01
        ])
        try kpi.materialize("2025-03-08", "2025-03-09")
        try kpi.materialize("2025-11-01", "2025-11-02")
        #expect(try kpi.value("revenue", "day", "2025-03-09") == 100)
        #expect(try kpi.value("revenue", "day", "2025-03-08") == 200)
        #expect(try kpi.value("revenue", "day", "2025-11-02") == 400)
        #expect(try kpi.value("revenue", "day", "2025-11-01") == 800)
    }

    @Test("23:59 and 00:00 local in +05:30 and +13:00 zones fall on different local days", arguments: [
        ("Asia/Kolkata", "2026-01-31T18:29:00Z", "2026-01-31T18:30:00Z"),
        ("Pacific/Tongatapu", "2026-01-31T10:59:00Z", "2026-01-31T11:00:00Z"),
    ])
    func midnightBoundaries(timezone: String, lastMinute: String, midnight: String) throws {
        let kpi = try KPIFixture(timezone: timezone)
        try kpi.deals([
            "d-1,r-us,Won,10,2026-01-01T00:00:00Z,\(lastMinute)",
            "d-2,r-us,Won,20,2026-01-01T00:00:00Z,\(midnight)",
        ])
        try kpi.materialize("2026-01-31", "2026-02-01")
        #expect(try kpi.value("revenue", "day", "2026-01-31") == 10)
        #expect(try kpi.value("revenue", "day", "2026-02-01") == 20)
        #expect(try kpi.value("revenue", "month", "2026-01-01") == 10)
        #expect(try kpi.value("revenue", "month", "2026-02-01") == 20)
    }

    @Test("team scope includes sub-teams; a rep counts toward its current team's ancestors, not others")
    func teamDescendants() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals([
            "d-1,r-dach,Won,100,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z",
            "d-2,r-emea,Won,200,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z",
            "d-3,r-us,Lost,400,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z",
        ])
        try kpi.materialize("2026-11-03", "2026-11-03")
        #expect(try kpi.value("revenue", "day", "2026-11-03", scope: "team", id: "dach") == 100)
        #expect(try kpi.value("revenue", "day", "2026-11-03", scope: "team", id: "emea") == 300)
        #expect(try kpi.value("revenue", "day", "2026-11-03", scope: "org") == 300)
        #expect(try kpi.value("revenue", "day", "2026-11-03", scope: "rep", id: "r-emea") == 200)
        #expect(try kpi.fact("revenue", "day", "2026-11-03", scope: "team", id: "us") == nil, "sparse: no zero rows")
        let usWinRate = try #require(try kpi.fact("win_rate", "day", "2026-11-03", scope: "team", id: "us"))
        #expect(usWinRate.0 == 0 && usWinRate.1 == 0 && usWinRate.2 == 1)
        let orgWinRate = try #require(try kpi.fact("win_rate", "day", "2026-11-03"))
        #expect(orgWinRate.1 == 2 && orgWinRate.2 == 3)
    }

    @Test("a zero denominator gives a null ratio; a rerun rewrites nothing; changed data updates in place")
    func zeroDenominatorsAndDeterminism() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals(["d-1,r-us,Won,100,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        let first = try kpi.materialize("2026-11-03", "2026-11-03")
        #expect(first.rowsWritten > 0)
        let ratio = try #require(try kpi.fact("win_loss_ratio", "day", "2026-11-03"))
        #expect(ratio.0 == nil && ratio.1 == 1 && ratio.2 == 0)
        #expect(try kpi.materialize("2026-11-03", "2026-11-03").rowsWritten == 0)
        try kpi.deals(["d-1,r-us,Lost,100,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        try kpi.materialize("2026-11-03", "2026-11-03")
        #expect(try kpi.fact("revenue", "day", "2026-11-03") == nil, "the revenue row is gone once revenue is 0")
        #expect(try kpi.value("deals_lost", "day", "2026-11-03") == 1)
    }

    @Test("a fiscal year starting in April puts February in the previous fiscal year's fourth quarter")
    func fiscalPeriods() throws {
        let kpi = try KPIFixture(timezone: "UTC", fiscalYearStartMonth: 4)
        try kpi.deals([
            "d-1,r-us,Won,100,2026-01-01T08:00:00Z,2026-02-10T08:00:00Z",
            "d-2,r-us,Won,300,2026-01-01T08:00:00Z,2026-04-01T00:00:00Z",
        ])
        try kpi.materialize("2026-02-10", "2026-04-01")
        #expect(try kpi.value("revenue", "quarter", "2026-01-01") == 100)
        #expect(try kpi.value("revenue", "year", "2025-04-01") == 100)
        #expect(try kpi.value("revenue", "quarter", "2026-04-01") == 300)
        #expect(try kpi.value("revenue", "year", "2026-04-01") == 300)
    }

    @Test("a partial period counts only up to the as-of date")
    func asOfBoundsPeriods() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals([
            "d-1,r-us,Won,100,2026-11-01T08:00:00Z,2026-11-10T08:00:00Z",
            "d-2,r-us,Won,300,2026-11-01T08:00:00Z,2026-11-20T08:00:00Z",
        ])
        try kpi.materialize("2026-11-10", "2026-11-15")
        #expect(try kpi.value("revenue", "month", "2026-11-01") == 100)
    }

    @Test("a rep who changed team counts toward the current team, for past periods too")
    func repChangedTeam() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals(["d-1,r-dach,Won,100,2026-10-01T08:00:00Z,2026-10-05T08:00:00Z"])
        try kpi.materialize("2026-10-05", "2026-10-05")
        #expect(try kpi.value("revenue", "month", "2026-10-01", scope: "team", id: "dach") == 100)
        try kpi.connection.withTenant(kpi.org.id) { session in
            _ = try RepRepository(session: session).update(externalID: "r-dach", name: nil, email: nil, team: .set("us"), role: nil)
        }
        try kpi.materialize("2026-10-05", "2026-10-05")
        #expect(try kpi.value("revenue", "month", "2026-10-01", scope: "team", id: "us") == 100)
        #expect(try kpi.fact("revenue", "month", "2026-10-01", scope: "team", id: "dach") == nil)
        #expect(try kpi.fact("revenue", "month", "2026-10-01", scope: "team", id: "emea") == nil)
        #expect(try kpi.value("revenue", "month", "2026-10-01", scope: "rep", id: "r-dach") == 100)
    }
}
