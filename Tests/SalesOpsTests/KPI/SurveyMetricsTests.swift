import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Survey metrics: NPS, eNPS and CSAT")
struct SurveyMetricsTests {
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
}
