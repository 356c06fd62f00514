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

    @Test("reps of one team who touch the same prospects: each rep counts its own, the team and the org each prospect once")
    func sharedProspectsAcrossReps() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.leads, "external_id,created_at\n" + (0..<6).map { "l-\($0),2026-10-01T00:00:00Z" }.joined(separator: "\n"))
        // r-dach (team dach, under emea) touches l-0..l-3, r-emea (team emea) l-2..l-5 in the same
        // week, on different days; l-2 gets a positive reply from r-dach and a negative one from r-emea;
        // r-us (another team) touches l-0 only.
        let rows = (0..<4).map { "d-\($0),r-dach,email,2026-11-02T10:00:00Z,l-\($0),,\($0 == 2 ? "positive_reply" : "none")" }
            + (2..<6).map { "e-\($0),r-emea,call,2026-11-04T10:00:00Z,l-\($0),,\($0 == 2 ? "negative_reply" : "none")" }
            + ["u-0,r-us,call,2026-11-03T10:00:00Z,l-0,,none"]
        try kpi.load(.activities, "external_id,rep_external_id,kind,occurred_at,lead_external_id,account_external_id,outcome\n"
                     + rows.joined(separator: "\n"))
        try kpi.materialize("2026-11-08", "2026-11-08")
        let week = "2026-11-02"
        #expect(try kpi.value("prospects_contacted", "week", week, scope: "rep", id: "r-dach") == 4)
        #expect(try kpi.value("prospects_contacted", "week", week, scope: "rep", id: "r-emea") == 4)
        #expect(try kpi.value("prospects_contacted", "week", week, scope: "team", id: "dach") == 4)
        #expect(try kpi.value("prospects_contacted", "week", week, scope: "team", id: "emea") == 6)
        #expect(try kpi.value("prospects_contacted", "week", week, scope: "team", id: "us") == 1)
        #expect(try kpi.value("prospects_contacted", "week", week) == 6)
        let emeaPositive = try #require(try kpi.fact("positive_reply_rate", "week", week, scope: "team", id: "emea"))
        let emeaNegative = try #require(try kpi.fact("negative_reply_rate", "week", week, scope: "team", id: "emea"))
        #expect(emeaPositive.1 == 1 && emeaPositive.2 == 6)
        #expect(emeaNegative.1 == 1 && emeaNegative.2 == 6)
        let orgPositive = try #require(try kpi.fact("positive_reply_rate", "week", week))
        #expect(orgPositive.1 == 1 && orgPositive.2 == 6)
        let repEmeaPositive = try kpi.fact("positive_reply_rate", "week", week, scope: "rep", id: "r-emea")
        #expect(repEmeaPositive?.1 ?? 0 == 0)
    }
}
