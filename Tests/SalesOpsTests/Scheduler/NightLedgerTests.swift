import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The run records' guarantees, at the level of the SQL that claims, renews and completes
/// nights (the scheduler process tests cover the same through real processes).
@Suite("Scheduler: run records and leases")
struct NightLedgerTests {
    /// A database of its own (claims look at every org) with the demo org, created locally
    /// on 2026-10-31 in UTC: its first night is 2026-10-30.
    struct Fixture {
        let connection: Connection
        let org: Org
        let pool: ConnectionPool

        init() throws {
            let database = try TestDatabase.migrated()
            self.connection = try database.connect()
            let created = try SharedDatabase.makeOrg(on: self.connection)
            try self.connection.execute("UPDATE salesops.orgs SET created_at = '2026-10-31T12:00:00Z' WHERE id = \(created.id)")
            self.org = try self.connection.withApplicationRole { try OrgRepository(connection: $0).get(slug: created.slug) }
            try ImportFixture.importDemo(into: self.org, connection: self.connection)
            self.pool = ConnectionPool(configuration: ConnectionConfiguration(conninfo: database.url), maximumConnections: 2,
                                       logger: TestCluster.logger)
        }

        func claim(at now: String, worker: String, lease: Duration) throws -> [ClaimedNight] {
            try NightLedger(connection: self.connection).claim(
                limit: 10, now: TimestampFormat.date(now, strictRFC3339: true)!, runAt: .twoAM, worker: worker, lease: lease)
        }

        func complete(_ claim: ClaimedNight) throws {
            let run = NightRun(claim: claim, trailingDays: 7, pool: self.pool, logger: TestCluster.logger)
            if case let .failed(error) = run.attempt() { throw error }
        }

        func digest() throws -> String {
            try self.connection.withTenant(self.org.id) { session in
                try session.connection.query("SELECT md5(coalesce(string_agg(f::text, '|' ORDER BY f::text), '')) AS d FROM kpi.metric_fact_rows f")
                    .rows[0].decode("d")
            }
        }
    }

    @Test("a night is not due before its local run time, and is due from it on")
    func dueFromRunTime() throws {
        let fixture = try Fixture()
        #expect(try fixture.claim(at: "2026-10-31T01:59:00Z", worker: "w", lease: .seconds(60)).isEmpty)
        #expect(try fixture.claim(at: "2026-10-31T02:00:00Z", worker: "w", lease: .seconds(60)).map(\.night) == [LocalDate("2026-10-30")!])
    }

    @Test("a live lease keeps the night from everyone else; an expired one is rescued as the next attempt")
    func leaseExpiryRescue() throws {
        let fixture = try Fixture()
        let first = try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "first", lease: .milliseconds(300))
        #expect(first.map(\.attempts) == [1])
        #expect(try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "second", lease: .seconds(60)).isEmpty)
        #expect(try NightLedger(connection: fixture.connection).renew(first[0], lease: .milliseconds(300)))
        usleep(400_000)
        let second = try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "second", lease: .seconds(60))
        #expect(second.map(\.attempts) == [2])
        #expect(try NightLedger(connection: fixture.connection).renew(first[0], lease: .seconds(1)) == false,
                "the first holder learns its lease has gone")
    }

    @Test("the first holder finishing after a rescue writes nothing; the rescuer's facts and success commit together")
    func lateHolderWritesNothing() throws {
        let fixture = try Fixture()
        defer { fixture.pool.shutdown() }
        let first = try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "first", lease: .milliseconds(200))[0]
        usleep(300_000)
        let second = try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "second", lease: .seconds(60))[0]
        let before = try fixture.digest()
        let late = NightRun(claim: first, trailingDays: 7, pool: fixture.pool, logger: TestCluster.logger)
        guard case .leaseLost = late.attempt() else {
            Issue.record("the late holder's attempt was not refused")
            return
        }
        #expect(try fixture.digest() == before, "the refused attempt rolled its facts back")
        try fixture.complete(second)
        #expect(try fixture.digest() != before)
        let row = try fixture.connection.query("SELECT status, worker, rows_written FROM salesops.scheduler_runs").rows
        #expect(row.count == 1)
        #expect(try row[0].decode("status", as: String.self) == "succeeded")
        #expect(try row[0].decode("worker", as: String.self) == "second")
        #expect(try row[0].decode("rows_written", as: Int.self) > 0)
        // Succeeded is final, and the next claim moves to the next night.
        #expect(throws: PostgresError.self) {
            try fixture.connection.execute("UPDATE salesops.scheduler_runs SET status = 'running', finished_at = NULL")
        }
        #expect(try fixture.claim(at: "2026-11-01T12:30:00Z", worker: "third", lease: .seconds(60)).map(\.night) == [LocalDate("2026-10-31")!])
    }

    @Test("a failed night waits out its delay, then is claimed again")
    func failedNightWaits() throws {
        let fixture = try Fixture()
        let claim = try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "w", lease: .seconds(60))[0]
        #expect(try NightLedger(connection: fixture.connection).recordFailure(claim, error: "boom", retryAfter: .milliseconds(300)))
        #expect(try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "w", lease: .seconds(60)).isEmpty)
        usleep(400_000)
        #expect(try fixture.claim(at: "2026-10-31T12:30:00Z", worker: "w", lease: .seconds(60)).map(\.attempts) == [2])
    }
}

@Suite("Scheduler: settings")
struct SchedulerSettingsTests {
    @Test("retry delays double from the base, stay under the cap and keep at least half their size")
    func retryBackoff() {
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(1)
        policy.maximumDelay = .seconds(8)
        var generator = SystemRandomNumberGenerator()
        for (retry, full) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (40, 8.0)] {
            for _ in 0..<50 {
                let delay = policy.delay(beforeRetry: retry, using: &generator).seconds
                #expect(delay >= full / 2 && delay <= full, "retry \(retry): \(delay)")
            }
        }
    }

    @Test("a failed night's delay doubles per attempt up to the maximum")
    func failedNightDelay() {
        var configuration = SchedulerConfiguration()
        configuration.failedNightDelay = .seconds(60)
        configuration.failedNightMaximumDelay = .seconds(300)
        #expect([1, 2, 3, 4, 50].map { configuration.delayAfterFailure(attempts: $0) }
                == [.seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300)])
    }

    @Test("run times parse as HH:MM and nothing else", arguments: ["2:00", "24:00", "02:60", "0200", "02:00:00", "", "ab:cd"])
    func runTimeRejects(text: String) {
        #expect(throws: SalesOpsError.self) { try LocalTimeOfDay(parsing: text) }
    }

    @Test("a valid run time round-trips")
    func runTimeParses() throws {
        #expect(try LocalTimeOfDay(parsing: "23:05").description == "23:05")
        #expect(try LocalTimeOfDay(parsing: "00:00") == LocalTimeOfDay(hour: 0, minute: 0))
    }
}
