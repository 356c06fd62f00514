import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// A run's tables on a cluster get planner statistics from the run's own rows, on the org's
/// shards only, without making a run of another org on the same shards wait (sql/041).
@Suite("KPI run statistics on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusRunStatisticsTests {
    /// The run tables the materializer analyzes.
    static let analyzed = ["kpi_periods", "kpi_window", "kpi_rep_scopes", "kpi_day_periods",
                           "kpi_new_facts", "kpi_new_stage_facts", "kpi_new_breakdown_facts"]

    /// The shard index of `org` (its shard of the run tables, 1-based in shard id order).
    static func shardIndex(of org: Int64, on connection: Connection) throws -> Int {
        try connection.query("""
            SELECT (SELECT count(*) FROM pg_dist_shard s
                    WHERE s.logicalrelid = 'kpi_run.kpi_periods'::regclass
                      AND s.shardid <= get_shard_id_for_distribution_column('kpi_run.kpi_periods', \(org)))::int AS n
            """).rows[0].decode("n")
    }

    /// `reltuples` of each shard of `table`, by shard id, read on the node holding it.
    static func shardRowEstimates(_ table: String, database: TestDatabase, admin: Connection) throws -> [Int64: Double] {
        let placements = try admin.query("""
            SELECT s.shardid, shard_name(s.logicalrelid, s.shardid) AS name, p.nodeport
            FROM pg_dist_shard s JOIN pg_dist_placement pl ON pl.shardid = s.shardid
            JOIN pg_dist_node p ON p.groupid = pl.groupid
            WHERE s.logicalrelid = \("kpi_run.\(table)")::regclass
            """).rows.map { (try $0.decode("shardid", as: Int64.self), try $0.decode("name", as: String.self),
                             try $0.decode("nodeport", as: Int.self)) }
        var estimates: [Int64: Double] = [:]
        for worker in 0..<2 {
            let url = CitusTestCluster.workerURL(worker, database: database.name)
            guard let port = URLComponents(string: url)?.port else { continue }
            let node = try Connection.connect(ConnectionConfiguration(conninfo: url), logger: TestCluster.logger)
            defer { node.close() }
            try node.execute("SET citus.override_table_visibility = off")  // Citus hides shards from the catalog otherwise
            for (shard, name, nodePort) in placements where nodePort == port {
                estimates[shard] = try node.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass(\(name))")
                    .rows[0].decode("n")
            }
        }
        return estimates
    }

    @Test("a run analyzes the org's shards with its rows and no other shard; a run of an org on the same shard meanwhile does not wait for it")
    func runAnalyzesItsOwnShardsWithoutStalling() throws {
        let database = try CitusTestCluster.database()
        try CitusImportTests.migrate(database)
        let admin = try database.connect()
        defer { admin.close() }
        let setup = try CitusTestCluster.productConnection(database)
        defer { setup.close() }
        let first = try CitusKPITests.generatedOrg("stats-a", reps: 3, days: 40, seed: 41, on: setup)
        let shard = try Self.shardIndex(of: first.id, on: admin)
        // Another org on the same shard: new orgs until one lands there.
        var second: Org?
        for attempt in 0..<400 where second == nil {
            let candidate = try setup.withApplicationRole {
                try OrgRepository(connection: $0).create(NewOrg(slug: "stats-b\(attempt)", name: "b", timezone: "Europe/Berlin",
                                                                fiscalYearStartMonth: 1))
            }
            if try Self.shardIndex(of: candidate.id, on: admin) == shard { second = candidate }
        }
        let neighbour = try #require(second, "no org landed on the first org's shard")
        try ImportFixture.importGenerated(DemoDataGenerator(reps: 2, days: 40, lastDay: CitusKPITests.lastDay, seed: 42), into: neighbour, connection: setup)
        // Statistics as an ANALYZE of the empty tables leaves them: no rows anywhere. Autovacuum
        // stays away from them here, so what the test reads afterwards is what the runs left.
        for table in Self.analyzed {
            try admin.execute(Query(unescaped: "ALTER TABLE kpi_run.\(table) SET (autovacuum_enabled = false)"))
        }
        try admin.execute(Query(unescaped: "ANALYZE " + Self.analyzed.map { "kpi_run.\($0)" }.joined(separator: ", ")))
        let before = try Self.shardRowEstimates("kpi_day_periods", database: database, admin: admin)
        #expect(!before.isEmpty && before.values.allSatisfy { $0 <= 0 }, "\(before)")

        // While the first org's run holds its shards' analysis, the neighbour's run goes through.
        let from = CitusKPITests.lastDay.adding(days: -39), to = CitusKPITests.lastDay
        var run = KPIMaterializer(connection: setup)
        var neighbourResult: Result<MaterializationReport, any Error>?
        run.afterFamily = { family in
            guard family == "additive", neighbourResult == nil else { return }
            neighbourResult = Result {
                let other = try CitusTestCluster.productConnection(database)
                defer { other.close() }
                var neighbourRun = KPIMaterializer(connection: other)
                neighbourRun.lockTimeout = .seconds(5)
                return try neighbourRun.materialize(org: neighbour, from: from, to: to)
            }
        }
        let report = try run.materialize(org: first, from: from, to: to)
        #expect(report.rowsWritten > 0)
        let neighbourReport = try #require(try neighbourResult?.get())
        #expect(neighbourReport.rowsWritten > 0)

        let after = try Self.shardRowEstimates("kpi_day_periods", database: database, admin: admin)
        let firstShard: Int64 = try admin.query("""
            SELECT get_shard_id_for_distribution_column('kpi_run.kpi_day_periods', \(first.id)) AS id
            """).rows[0].decode("id")
        let days = from.days(to: to) + 1
        #expect((after[firstShard] ?? 0) >= Double(days), "the first org's shard: \(after[firstShard] ?? 0) rows estimated")
        let others = after.filter { $0.key != firstShard }
        #expect(others.values.allSatisfy { $0 <= 0 }, "other shards were analyzed: \(others.filter { $0.value > 0 })")
    }
}
