import Foundation
import PostgresClient
import Testing
import TestSupport

/// `scripts/citus-cluster` on this machine: three nodes, the workers registered, a table
/// distributed by `org_id` across them, and all of it still there after a stop and start.
@Suite("scripts/citus-cluster starts a coordinator and two workers that keep their shards across restarts", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusClusterScriptTests {
    @Test("start, distribute, stop, start again")
    func startDistributeRestart() throws {
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/citus-cluster").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-citus-\(UUID().uuidString)").path
        defer {
            _ = try? Shell.run(script, ["stop", folder])
            try? FileManager.default.removeItem(atPath: folder)
        }
        let url = try Shell.run(script, ["start", folder]).trimmingCharacters(in: .whitespacesAndNewlines)
        var connection = try Connection.connect(ConnectionConfiguration(conninfo: url), logger: TestCluster.logger)
        let workers: Int = try connection.query("SELECT count(*)::int AS n FROM pg_dist_node WHERE groupid <> 0 AND isactive").rows[0].decode("n")
        #expect(workers == 2)
        try connection.execute("CREATE TABLE facts (org_id bigint NOT NULL, value int)")
        try connection.execute("SELECT create_distributed_table('facts', 'org_id')")
        try connection.execute("INSERT INTO facts SELECT g % 20, g FROM generate_series(1, 2000) g")
        let placed: Int = try connection.query("SELECT count(DISTINCT nodeport)::int AS n FROM citus_shards WHERE table_name = 'facts'::regclass")
            .rows[0].decode("n")
        #expect(placed == 2, "shards on \(placed) workers")
        connection.close()

        _ = try Shell.run(script, ["stop", folder])
        let again = try Shell.run(script, ["start", folder]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(again == url, "the coordinator keeps its address")
        connection = try Connection.connect(ConnectionConfiguration(conninfo: again), logger: TestCluster.logger)
        defer { connection.close() }
        let rows: Int = try connection.query("SELECT count(*)::int AS n FROM facts").rows[0].decode("n")
        #expect(rows == 2000)
        let environment = try Shell.run(script, ["env", folder])
        #expect(environment == "export DATABASE_URL=\(url)\n")
    }
}
