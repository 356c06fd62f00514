import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// A database of its own (the scheduler works across every org of a database) with helpers
/// to make orgs, start scheduler processes and read what they did.
struct SchedulerFixture {
    let database: TestDatabase
    let connection: Connection

    /// - Parameters:
    ///   - database: the database salesctl and the schedulers run against (a new migrated one if nil).
    ///   - admin: the database as the checks read it, when `database` logs in as a product login
    ///     that row-level security limits.
    init(database: TestDatabase? = nil, admin: TestDatabase? = nil) throws {
        self.database = try database ?? TestDatabase.migrated()
        self.connection = try (admin ?? self.database).connect()
    }

    /// Creates an org whose local creation instant is `createdAt` (a timestamp read in the
    /// org's zone), and fills it with a few weeks of demo data up to `lastDay` when given.
    @discardableResult
    func makeOrg(_ slug: String, timezone: String, createdLocally createdAt: String, seededUntil lastDay: String? = nil,
                 seed: Int = 1) throws -> Org {
        try self.salesctl(["org", "create", slug, "--name", slug, "--timezone", timezone])
        try self.connection.execute("""
            UPDATE salesops.orgs SET created_at = \(createdAt)::timestamp AT TIME ZONE timezone WHERE slug = \(slug)
            """)
        if let lastDay {
            try self.salesctl(["demo", "seed", "--org", slug, "--reps", "4", "--days", "30", "--seed", String(seed), "--last-day", lastDay])
        }
        return try self.connection.withApplicationRole { try OrgRepository(connection: $0).get(slug: slug) }
    }

    /// Runs salesctl to completion; fails the test when it exits non-zero.
    @discardableResult
    func salesctl(_ arguments: [String]) throws -> String {
        let outcome = try SalesCTLProcess.run(arguments, database: self.database)
        guard outcome.status == 0 else {
            throw Shell.Failure(command: "salesctl " + arguments.joined(separator: " "), outcome: outcome)
        }
        return outcome.stdout
    }

    /// `scheduler run --once` with the clock reading `now`.
    func runOnce(at now: String, _ extra: [String] = []) throws -> Shell.Outcome {
        try SalesCTLProcess.run(["scheduler", "run", "--once", "--clock-start", now] + extra, database: self.database)
    }

    /// Starts `scheduler run` in the background.
    func startScheduler(_ arguments: [String]) throws -> BackgroundProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = self.database.url
        environment["SALESOPS_SQL_DIR"] = TestCluster.repositoryRoot.appendingPathComponent("sql").path
        return try BackgroundProcess(SalesCTLProcess.binary, ["scheduler", "run"] + arguments, environment: environment)
    }

    /// The org's run records, oldest night first.
    func runs(of org: String) throws -> [RunRow] {
        try self.connection.query("""
            SELECT r.night, r.status, r.attempts, r.worker, r.started_at, r.error, r.rows_written
            FROM salesops.scheduler_runs r JOIN salesops.orgs o ON o.id = r.org_id
            WHERE o.slug = \(org) ORDER BY r.night
            """).rows.map { row in
            RunRow(night: try row.decode("night"), status: try row.decode("status"), attempts: try row.decode("attempts"),
                   worker: try row.decode("worker"), startedAt: try row.decode("started_at"), error: try row.decode("error"),
                   rowsWritten: try row.decode("rows_written"))
        }
    }

    /// A digest of every KPI fact of the org (metric, stage and breakdown facts).
    func factsDigest(of org: Org) throws -> String {
        try self.connection.withTenant(org.id) { session in
            try session.connection.query("""
                SELECT md5(coalesce((SELECT string_agg(f::text, '|' ORDER BY f::text) FROM kpi.metric_fact_rows f), '')
                        || coalesce((SELECT string_agg(f::text, '|' ORDER BY f::text) FROM kpi.stage_fact_rows f), '')
                        || coalesce((SELECT string_agg(f::text, '|' ORDER BY f::text) FROM kpi.breakdown_fact_rows f), '')) AS digest
                """).rows[0].decode("digest")
        }
    }

    /// How many metric facts the org has.
    func factCount(of org: Org) throws -> Int {
        try self.connection.withTenant(org.id) { session in
            try session.connection.query("SELECT count(*) AS n FROM kpi.metric_fact_rows").rows[0].decode("n")
        }
    }

    /// Whether some salesctl session of this database waits on a lock.
    func salesctlWaitsOnLock() throws -> Bool {
        try self.connection.query("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'salesctl' AND wait_event_type = 'Lock'
            """).rows[0].decode("n", as: Int.self) > 0
    }
}

/// One run record, as the tests read it.
struct RunRow: Equatable {
    var night: LocalDate
    var status: String
    var attempts: Int
    var worker: String
    var startedAt: Date
    var error: String?
    var rowsWritten: Int?
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    repeat {
        if try condition() { return true }
        usleep(50_000)
    } while ContinuousClock.now < deadline
    return try condition()
}

/// The night days from `first` through `last`.
func nights(_ first: String, through last: String) -> [LocalDate] {
    var day = LocalDate(first)!
    var days: [LocalDate] = []
    while day <= LocalDate(last)! {
        days.append(day)
        day = day.adding(days: 1)
    }
    return days
}
