import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Prospect metrics: replies counted once per prospect")
struct ProspectMetricsTests {
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
}
