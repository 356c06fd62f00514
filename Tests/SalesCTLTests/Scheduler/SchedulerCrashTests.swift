import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Crashes, restarts and signals, with real processes. A night is held mid-run by a test
/// session that locks `kpi.metric_fact_sets`: the night computes its facts, then waits at its
/// first write until the test lets go.
@Suite("Scheduler: crashes, database restarts and signals")
struct SchedulerCrashTests {
    static let now = "2026-03-20T12:30:00Z"

    /// An org whose one due night (2026-03-19) will change its facts: its window was
    /// materialized before every deal amount was corrected.
    static func orgWithStaleFacts(_ fixture: SchedulerFixture) throws -> (org: Org, previous: String) {
        let org = try fixture.makeOrg("acme", timezone: "UTC", createdLocally: "2026-03-20 06:00", seededUntil: "2026-03-19")
        try fixture.salesctl(["kpi", "materialize", "--org", "acme", "--from", "2026-03-13", "--to", "2026-03-19"])
        try fixture.connection.withOrg(org.id) { try $0.execute("UPDATE salesops.deals SET amount = amount + 100") }
        return (org, try fixture.factsDigest(of: org))
    }

    /// Holds a lock that makes a night's first fact write wait.
    static func blockFactWrites(_ fixture: SchedulerFixture) throws -> Connection {
        let blocker = try fixture.database.connect()
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE kpi.metric_fact_sets IN SHARE MODE")
        return blocker
    }

    static func isRunning(_ fixture: SchedulerFixture) throws -> Bool {
        try fixture.runs(of: "acme").first?.status == "running"
    }

    @Test("kill -9 of the process holding a night mid-run: old values stay, another process completes the night after the lease expires")
    func killedHolderIsRescued() throws {
        let fixture = try SchedulerFixture()
        let (org, previous) = try Self.orgWithStaleFacts(fixture)
        let blocker = try Self.blockFactWrites(fixture)
        let holder = try fixture.startScheduler(["--clock-start", Self.now, "--lease-seconds", "2", "--poll-seconds", "0.2"])
        #expect(try eventually { try Self.isRunning(fixture) && fixture.salesctlWaitsOnLock() })
        holder.send(SIGKILL)
        #expect(holder.wait().status == 128 + SIGKILL)
        try blocker.execute("COMMIT")
        // The dead holder's transaction cannot commit: its backend rolls back when it finds the
        // client gone.
        #expect(try fixture.factsDigest(of: org) == previous)
        #expect(try fixture.runs(of: "acme").map(\.status) == ["running"])

        let rescuer = try fixture.startScheduler(["--clock-start", Self.now, "--lease-seconds", "2", "--poll-seconds", "0.2"])
        #expect(try eventually { try fixture.runs(of: "acme").first?.status == "succeeded" })
        rescuer.send(SIGTERM)
        #expect(rescuer.wait(timeout: .seconds(20))?.status == 0)
        let run = try fixture.runs(of: "acme")[0]
        #expect(run.attempts == 2)
        #expect(run.worker.hasSuffix(":\(rescuer.pid)"))
        #expect(try fixture.factsDigest(of: org) != previous)
        let check = try fixture.salesctl(["kpi", "materialize", "--org", "acme", "--from", "2026-03-13", "--to", "2026-03-19"])
        #expect(check.contains(" 0 fact rows written"), "the rescued night left values one materialization agrees with: \(check)")
    }

    @Test("heartbeats keep a live holder's lease: a night outlasting its lease three times over is not taken over")
    func heartbeatsKeepTheLease() throws {
        let fixture = try SchedulerFixture()
        _ = try Self.orgWithStaleFacts(fixture)
        let blocker = try Self.blockFactWrites(fixture)
        let holder = try fixture.startScheduler(["--clock-start", Self.now, "--lease-seconds", "1", "--poll-seconds", "0.2"])
        #expect(try eventually { try Self.isRunning(fixture) && fixture.salesctlWaitsOnLock() })
        let rival = try fixture.startScheduler(["--clock-start", Self.now, "--lease-seconds", "1", "--poll-seconds", "0.2"])
        usleep(3_000_000)
        try blocker.execute("COMMIT")
        #expect(try eventually { try fixture.runs(of: "acme").first?.status == "succeeded" })
        for process in [holder, rival] {
            process.send(SIGTERM)
            #expect(process.wait(timeout: .seconds(20))?.status == 0)
        }
        let run = try fixture.runs(of: "acme")[0]
        #expect(run.attempts == 1)
        #expect(run.worker.hasSuffix(":\(holder.pid)"))
    }

    @Test("SIGTERM during a night that cannot finish in the grace period: exit 0, rolled back, the night free for the next process")
    func sigtermAbandonsAfterGrace() throws {
        let fixture = try SchedulerFixture()
        let (org, previous) = try Self.orgWithStaleFacts(fixture)
        let blocker = try Self.blockFactWrites(fixture)
        let process = try fixture.startScheduler(["--clock-start", Self.now, "--grace-seconds", "1"])
        #expect(try eventually { try Self.isRunning(fixture) && fixture.salesctlWaitsOnLock() })
        process.send(SIGTERM)
        let outcome = process.wait(timeout: .seconds(20))
        #expect(outcome?.status == 0, "exit: \(String(describing: outcome))")
        try blocker.execute("COMMIT")
        #expect(try fixture.factsDigest(of: org) == previous)
        let run = try fixture.runs(of: "acme")[0]
        #expect(run.status == "failed")
        #expect(run.error?.contains("abandoned") == true)
        // Free at once: the next process takes it.
        let next = try fixture.runOnce(at: Self.now)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try fixture.runs(of: "acme").map(\.status) == ["succeeded"])
    }

    @Test("SIGTERM during a night that finishes within the grace period: the night completes, exit 0")
    func sigtermLetsTheNightFinish() throws {
        let fixture = try SchedulerFixture()
        let (org, previous) = try Self.orgWithStaleFacts(fixture)
        let blocker = try Self.blockFactWrites(fixture)
        let process = try fixture.startScheduler(["--clock-start", Self.now, "--grace-seconds", "30"])
        #expect(try eventually { try Self.isRunning(fixture) && fixture.salesctlWaitsOnLock() })
        process.send(SIGTERM)
        usleep(300_000)
        #expect(process.poll() == nil, "the process waits for its night")
        try blocker.execute("COMMIT")
        let outcome = process.wait(timeout: .seconds(20))
        #expect(outcome?.status == 0, "exit: \(String(describing: outcome))")
        #expect(try fixture.runs(of: "acme").map(\.status) == ["succeeded"])
        #expect(try fixture.factsDigest(of: org) != previous)
    }

    @Test("one org's failing night is recorded with its error and does not stop the others; --once exits non-zero")
    func failureIsolated() throws {
        let fixture = try SchedulerFixture()
        let broken = try fixture.makeOrg("broken", timezone: "UTC", createdLocally: "2026-03-20 06:00", seededUntil: "2026-03-19")
        try fixture.makeOrg("healthy", timezone: "UTC", createdLocally: "2026-03-20 06:00", seededUntil: "2026-03-19", seed: 2)
        // Every fact write of the broken org violates a constraint (not a transient failure).
        try fixture.connection.execute(Query(unescaped: """
            ALTER TABLE kpi.metric_fact_sets ADD CONSTRAINT refuse_broken CHECK (org_id <> \(broken.id)) NOT VALID
            """))
        let outcome = try fixture.runOnce(at: Self.now)
        #expect(outcome.status == 65, "exit \(outcome.status): \(outcome.stderr)")
        #expect(outcome.stderr.contains("org broken, night 2026-03-19"))
        let failed = try fixture.runs(of: "broken")
        #expect(failed.map(\.status) == ["failed"])
        #expect(failed[0].error?.contains("refuse_broken") == true)
        #expect(try fixture.runs(of: "healthy").map(\.status) == ["succeeded"])
        let status = try SalesCTLProcess.run(["scheduler", "status", "--json"], database: fixture.database)
        #expect(status.status == 0)
        let records = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == 2)
        for record in records {
            for key in ["org", "night", "status", "attempts", "started_at", "finished_at", "rows_written", "error"] {
                #expect(record.keys.contains(key), "status JSON lacks \(key)")
            }
        }
        #expect(records.first { $0["org"] as? String == "broken" }?["status"] as? String == "failed")
    }
}

/// A database restart needs a server of its own: the shared test server stays up.
@Suite("Scheduler: database restart")
struct SchedulerRestartTests {
    @Test("pg_ctl restart during a run: the scheduler reconnects, retries and finishes the night")
    func survivesRestart() throws {
        let clusterDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-restart-\(UUID().uuidString)").path
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/pg-cluster").path
        let serverURL = try Shell.run(script, ["start", clusterDirectory]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer {
            _ = try? Shell.run(script, ["stop", clusterDirectory])
            try? FileManager.default.removeItem(atPath: clusterDirectory)
        }
        let admin = try Connection.connect(ConnectionConfiguration(conninfo: serverURL), logger: TestCluster.logger)
        try admin.execute("CREATE DATABASE restart_test")
        admin.close()
        let url = String(serverURL.dropLast("postgres".count)) + "restart_test"
        let database = TestDatabase(name: "restart_test", url: url)
        let setup = try database.connect()
        try Migrator(files: TestCluster.migrationFiles).migrate(on: setup)
        setup.close()
        let fixture = try SchedulerFixture(database: database)
        let (org, previous) = try SchedulerCrashTests.orgWithStaleFacts(fixture)
        let blocker = try SchedulerCrashTests.blockFactWrites(fixture)
        let process = try fixture.startScheduler(["--clock-start", SchedulerCrashTests.now, "--retry-limit", "8", "--poll-seconds", "0.5"])
        #expect(try eventually { try SchedulerCrashTests.isRunning(fixture) && fixture.salesctlWaitsOnLock() })
        _ = try Shell.run(script, ["restart", clusterDirectory])
        _ = blocker // its session ended with the restart
        let after = try SchedulerFixture(database: database)
        #expect(try eventually(timeout: .seconds(60)) { try after.runs(of: "acme").first?.status == "succeeded" },
                "scheduler log: \(process.standardError)")
        process.send(SIGTERM)
        #expect(process.wait(timeout: .seconds(20))?.status == 0)
        #expect(try after.runs(of: "acme")[0].attempts >= 2)
        #expect(try after.factsDigest(of: org) != previous)
    }
}
