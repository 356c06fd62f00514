import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// Which nights are due when, on each org's local calendar (hand-computed instants).
@Suite("Scheduler: nights follow each org's local calendar")
struct SchedulerCalendarTests {
    /// The nights claimed by a `--once` run at `now`.
    func nightsRun(_ fixture: SchedulerFixture, at now: String, org: String) throws -> [LocalDate] {
        let before = try fixture.runs(of: org).filter { $0.status == "succeeded" }.map(\.night)
        let outcome = try fixture.runOnce(at: now)
        #expect(outcome.status == 0, "scheduler at \(now) exited \(outcome.status): \(outcome.stderr)")
        return try fixture.runs(of: org).filter { $0.status == "succeeded" }.map(\.night).filter { !before.contains($0) }
    }

    @Test("Europe/Berlin runs exactly once on 2026-03-29, whose 02:00 does not exist (first instant after: 03:00 CEST = 01:00Z)")
    func springForward() throws {
        let fixture = try SchedulerFixture()
        try fixture.makeOrg("berlin", timezone: "Europe/Berlin", createdLocally: "2026-03-28 12:00")
        #expect(try self.nightsRun(fixture, at: "2026-03-28T23:59:00Z", org: "berlin") == [LocalDate("2026-03-27")!])
        #expect(try self.nightsRun(fixture, at: "2026-03-29T00:59:00Z", org: "berlin").isEmpty, "00:59 UTC is 01:59 CET")
        #expect(try self.nightsRun(fixture, at: "2026-03-29T01:00:00Z", org: "berlin") == [LocalDate("2026-03-28")!])
        #expect(try self.nightsRun(fixture, at: "2026-03-29T21:59:00Z", org: "berlin").isEmpty, "23:59 CEST, still the 29th")
        #expect(try self.nightsRun(fixture, at: "2026-03-30T00:00:00Z", org: "berlin") == [LocalDate("2026-03-29")!],
                "02:00 CEST on the 30th")
        #expect(try fixture.runs(of: "berlin").map(\.attempts) == [1, 1, 1])
    }

    @Test("Europe/Berlin runs exactly once on 2026-10-25, whose 02:00 happens twice (PostgreSQL reads it as CET: 01:00Z)")
    func fallBack() throws {
        let fixture = try SchedulerFixture()
        try fixture.makeOrg("berlin", timezone: "Europe/Berlin", createdLocally: "2026-10-24 12:00")
        #expect(try self.nightsRun(fixture, at: "2026-10-24T23:59:00Z", org: "berlin") == [LocalDate("2026-10-23")!])
        #expect(try self.nightsRun(fixture, at: "2026-10-25T00:30:00Z", org: "berlin").isEmpty, "02:30 CEST, the first 02:00 hour")
        #expect(try self.nightsRun(fixture, at: "2026-10-25T01:00:00Z", org: "berlin") == [LocalDate("2026-10-24")!])
        #expect(try self.nightsRun(fixture, at: "2026-10-25T01:30:00Z", org: "berlin").isEmpty, "02:30 CET")
        #expect(try self.nightsRun(fixture, at: "2026-10-26T00:59:00Z", org: "berlin").isEmpty, "01:59 CET on the 26th")
        #expect(try self.nightsRun(fixture, at: "2026-10-26T01:00:00Z", org: "berlin") == [LocalDate("2026-10-25")!])
        #expect(try fixture.runs(of: "berlin").map(\.night) == nights("2026-10-23", through: "2026-10-25"))
    }

    @Test("for the same calendar night, an org at +13:00 runs before one at -10:00 (13:00Z on the day vs 12:00Z the day after)")
    func eastBeforeWest() throws {
        let fixture = try SchedulerFixture()
        try fixture.makeOrg("apia", timezone: "Pacific/Apia", createdLocally: "2026-06-11 00:30")
        try fixture.makeOrg("honolulu", timezone: "Pacific/Honolulu", createdLocally: "2026-06-11 00:30")
        // Through the running process, on an accelerated clock (two simulated hours per real
        // second) from 12:00Z on the 10th: both nights run by themselves, Apia's first.
        let process = try fixture.startScheduler([
            "--clock-start", "2026-06-10T12:00:00Z", "--clock-speed", "7200", "--poll-seconds", "600",
        ])
        #expect(try eventually(timeout: .seconds(60)) { try fixture.runs(of: "honolulu").contains { $0.status == "succeeded" } })
        process.send(SIGTERM)
        #expect(process.wait(timeout: .seconds(20))?.status == 0)
        let apia = try fixture.runs(of: "apia")
        let honolulu = try fixture.runs(of: "honolulu")
        #expect(apia.first?.night == LocalDate("2026-06-10")! && honolulu.first?.night == LocalDate("2026-06-10")!)
        #expect(apia[0].startedAt < honolulu[0].startedAt)
        // 13:00Z to 12:00Z the next day is 23 simulated hours: about 11.5 s at this speed.
        #expect(honolulu[0].startedAt.timeIntervalSince(apia[0].startedAt) > 8)
    }

    @Test("three nights missed while down are caught up oldest first")
    func catchUpOldestFirst() throws {
        let fixture = try SchedulerFixture()
        try fixture.makeOrg("acme", timezone: "America/New_York", createdLocally: "2026-05-02 09:00", seededUntil: "2026-05-05")
        #expect(try self.nightsRun(fixture, at: "2026-05-02T12:00:00Z", org: "acme") == [LocalDate("2026-05-01")!])
        #expect(try self.nightsRun(fixture, at: "2026-05-05T12:00:00Z", org: "acme") == nights("2026-05-02", through: "2026-05-04"))
        let runs = try fixture.runs(of: "acme")
        #expect(runs.map(\.startedAt) == runs.map(\.startedAt).sorted(), "started in night order")
        #expect(runs.allSatisfy { $0.attempts == 1 && $0.status == "succeeded" })
    }
}
