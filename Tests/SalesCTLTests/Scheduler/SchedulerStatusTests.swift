import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("scheduler status says what a night did")
struct SchedulerStatusTests {
    @Test("a night that rewrote nothing says nothing changed; JSON keeps the plain 0")
    func unchangedNight() throws {
        let fixture = try SchedulerFixture()
        try fixture.makeOrg("calm", timezone: "UTC", createdLocally: "2026-03-20 06:00", seededUntil: "2026-03-19")
        let first = try fixture.runOnce(at: SchedulerCrashTests.now)
        #expect(first.status == 0, "\(first.stderr)")
        #expect((try fixture.runs(of: "calm").first?.rowsWritten ?? 0) > 0)
        let changed = try fixture.salesctl(["scheduler", "status", "--org", "calm"])
        #expect(!changed.contains("(unchanged)"), "\(changed)")

        // The same night again over the same data: every value equals the stored one.
        try fixture.connection.execute("DELETE FROM salesops.scheduler_runs")
        #expect(try fixture.runOnce(at: SchedulerCrashTests.now).status == 0)
        #expect(try fixture.runs(of: "calm").map(\.rowsWritten) == [0])
        let table = try fixture.salesctl(["scheduler", "status", "--org", "calm"])
        #expect(table.contains("0 (unchanged)") && table.contains("nothing changed since the last run"), "\(table)")
        let json = try fixture.salesctl(["scheduler", "status", "--org", "calm", "--json"])
        let records = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == 1 && (records.first?["rows_written"] as? NSNumber)?.intValue == 0)
    }
}
