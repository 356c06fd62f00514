import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The KPI engine on a Citus cluster: a run works in the org's rows of `kpi_run` (sql/038) and
/// every statement of it is routed to the org's node; what it stores is what one node stores
/// for the same data.
@Suite("The KPI engine on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusKPITests {
    static let lastDay = LocalDate("2026-10-31")!

    /// The org's rows of every `kpi` view, without the instants a run was made at, as one
    /// digest per view.
    static func fingerprint(_ connection: Connection, org: Org) throws -> [String: String] {
        try connection.withOrg(org.id) { connection in
            let views = try connection.query("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'kpi' AND c.relkind = 'v' ORDER BY 1
                """).rows.map { try $0.decode("relname", as: String.self) }
            var digests: [String: String] = [:]
            for view in views {
                digests[view] = try connection.query(Query(unescaped: """
                    SELECT count(*) || ':' || coalesce(md5(string_agg(r.row, '|' ORDER BY r.row)), '') AS digest
                    FROM (SELECT (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(to_jsonb(t)) e
                                  WHERE e.key NOT IN ('computed_at', 'materialized_at'))::text AS row
                          FROM kpi.\(view) t WHERE t.org_id = \(org.id)) r
                    """)).rows[0].decode("digest")
            }
            return digests
        }
    }

    /// An org with `reps` reps and `days` days of generated history up to `lastDay`.
    static func generatedOrg(_ slug: String, reps: Int, days: Int, seed: UInt64, on connection: Connection) throws -> Org {
        let org = try connection.withApplicationRole {
            try OrgRepository(connection: $0).create(NewOrg(slug: slug, name: slug, timezone: "America/New_York", fiscalYearStartMonth: 2))
        }
        try ImportFixture.importGenerated(DemoDataGenerator(reps: reps, days: days, lastDay: Self.lastDay, seed: seed), into: org, connection: connection)
        return org
    }

    /// Runs `body`, recording a server error's message and query (the test log shows only the SQLSTATE).
    static func explained<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PostgresError {
            Issue.record("\(error.message) \(error.detail ?? "") in: \(error.query ?? "?")")
            throw error
        }
    }

    @Test("a backfill and a night give the same kpi views on the cluster as on one node, no statement reaching two shards; the run's tables are left empty")
    func sameFactsAsOneNode() throws {
        let database = try CitusTestCluster.database()
        try Self.explained { try CitusImportTests.migrate(database) }
        let cluster = try CitusTestCluster.productConnection(database)
        defer { cluster.close() }
        let single = try TestDatabase.migrated().connect()
        defer { single.close() }
        var fingerprints: [[String: String]] = []
        var reports: [[MaterializationReport]] = []
        for connection in [cluster, single] { try Self.explained {
            let org = try Self.generatedOrg("same", reps: 6, days: 150, seed: 5, on: connection)
            if connection === cluster { try connection.execute("SET citus.multi_task_query_log_level = error") }
            let materializer = KPIMaterializer(connection: connection)
            let backfill = try Self.explained { try materializer.materialize(org: org, from: Self.lastDay.adding(days: -149), to: Self.lastDay.adding(days: -1)) }
            let night = try materializer.materialize(org: org, from: Self.lastDay, to: Self.lastDay)
            let again = try materializer.materialize(org: org, from: Self.lastDay, to: Self.lastDay)
            if connection === cluster { try connection.execute("RESET citus.multi_task_query_log_level") }
            reports.append([backfill, night, again])
            fingerprints.append(try Self.fingerprint(connection, org: org))
        } }
        #expect(reports[0] == reports[1])
        #expect(reports[0][0].rowsWritten > 1000, "\(reports[0])")
        #expect(reports[0][2].rowsWritten == 0, "a rerun over unchanged data writes nothing")
        #expect(fingerprints[0] == fingerprints[1])
        #expect(fingerprints[0]["metric_values"]?.hasPrefix("0:") == false)
        #expect(fingerprints[0]["forecasts"]?.hasPrefix("0:") == false)
        for table in ["kpi_periods", "kpi_new_facts", "kpi_new_metric_fact_sets", "kpi_new_metric_fact_sets_changes"] {
            let left: Int = try cluster.query(Query(unescaped: "SELECT count(*)::int AS n FROM kpi_run.\(table)")).rows[0].decode("n")
            #expect(left == 0, "kpi_run.\(table) keeps \(left) rows")
        }
    }

    @Test("two orgs materialized at once on the cluster each get their own facts")
    func concurrentOrgsKeepTheirRows() async throws {
        let database = try CitusTestCluster.database()
        try CitusImportTests.migrate(database)
        let login = try CitusTestCluster.productLogin(on: database)
        let setup = try database.connect(as: login)
        let orgs = try ["north", "south"].enumerated().map { index, slug in
            try Self.generatedOrg(slug, reps: 4 + index, days: 60, seed: UInt64(20 + index), on: setup)
        }
        // Each org alone first: the facts a run of it must store.
        var alone: [[String: String]] = []
        for org in orgs {
            _ = try KPIMaterializer(connection: setup).materialize(org: org, from: Self.lastDay.adding(days: -59), to: Self.lastDay)
            alone.append(try Self.fingerprint(setup, org: org))
            try setup.withOrg(org.id) { connection in
                try connection.execute("DELETE FROM kpi.materialized_periods WHERE org_id = \(org.id)")
                try connection.execute("DELETE FROM kpi.forecast_history WHERE org_id = \(org.id)")
            }
        }
        setup.close()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for org in orgs {
                group.addTask {
                    let connection = try database.connect(as: login)
                    defer { connection.close() }
                    for _ in 0..<2 {
                        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: Self.lastDay.adding(days: -59), to: Self.lastDay)
                    }
                }
            }
            try await group.waitForAll()
        }
        let check = try database.connect(as: login)
        defer { check.close() }
        for (index, org) in orgs.enumerated() {
            #expect(try Self.fingerprint(check, org: org) == alone[index], "\(org.slug)")
        }
    }
}
