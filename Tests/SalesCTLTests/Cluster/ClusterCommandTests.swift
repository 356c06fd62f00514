import Foundation
import PostgresClient
import Testing
import TestSupport

/// `salesctl cluster status`, `cluster rebalance` and `org isolate` as an operator runs them:
/// on a Citus cluster, and refused with exit 64 on plain PostgreSQL.
@Suite("salesctl operates a Citus cluster")
struct ClusterCommandTests {
    struct StatusJSON: Decodable {
        struct Node: Decodable { var name: String; var port: Int; var role: String; var shards: Int }
        struct OrgPlacement: Decodable { var slug: String; var stored_rows: Int64; var node: String; var isolated: Bool }
        var nodes: [Node]
        var distributed_tables: Int
        var largest_orgs: [OrgPlacement]
    }

    struct IsolationJSON: Decodable { var slug: String; var shard_id: Int64; var node: String; var already_isolated: Bool; var rows: Int64 }

    @Test("status lists the nodes and the largest orgs where their shards are; isolate gives a whale its own shard, row for row")
    func statusAndIsolate() throws {
        let database = try CitusTestCluster.database()
        #expect(try SalesCTLProcess.run(["migrate"], database: database).status == 0)
        for slug in ["whale", "minnow"] {
            #expect(try SalesCTLProcess.run(["org", "create", slug, "--name", slug], database: database).status == 0)
        }
        for kind in ["teams", "reps", "accounts", "leads"] {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind).csv").path
            let outcome = try SalesCTLProcess.run(["import", kind, "--org", "whale", file], database: database)
            #expect(outcome.status == 0, "\(kind): \(outcome.stderr)")
        }

        let status = try SalesCTLProcess.run(["cluster", "status", "--json"], database: database)
        #expect(status.status == 0, "\(status.stderr)")
        let report = try JSONDecoder().decode(StatusJSON.self, from: Data(status.stdout.utf8))
        #expect(report.nodes.filter { $0.role == "worker" }.count == 2)
        #expect(report.nodes.filter { $0.role == "worker" }.allSatisfy { $0.shards > 0 })
        #expect(report.largest_orgs.map(\.slug) == ["whale", "minnow"])
        #expect(report.largest_orgs.first?.stored_rows == 11, "6 accounts and 5 leads")
        #expect(report.largest_orgs.allSatisfy { !$0.isolated })

        let connection = try database.connect()
        defer { connection.close() }
        func fingerprint() throws -> [String: String] {
            let org: Int64 = try connection.query("SELECT id FROM salesops.orgs WHERE slug = 'whale'").rows[0].decode("id")
            return try TenantCatalog.fingerprint(connection, orgID: org)
        }
        let before = try fingerprint()
        let isolated = try SalesCTLProcess.run(["org", "isolate", "whale", "--json"], database: database)
        #expect(isolated.status == 0, "\(isolated.stderr)")
        let result = try JSONDecoder().decode(IsolationJSON.self, from: Data(isolated.stdout.utf8))
        #expect(!result.already_isolated)
        #expect(try fingerprint() == before, "every row of the org is where it was, in content")
        let again = try JSONDecoder().decode(IsolationJSON.self, from: Data(try SalesCTLProcess.run(["org", "isolate", "whale", "--json"], database: database).stdout.utf8))
        #expect(again.already_isolated && again.shard_id == result.shard_id && again.rows == result.rows)
        let placed = try JSONDecoder().decode(StatusJSON.self, from: Data(try SalesCTLProcess.run(["cluster", "status", "--json"], database: database).stdout.utf8))
        #expect(placed.largest_orgs.first { $0.slug == "whale" }?.isolated == true)
        #expect(placed.largest_orgs.first { $0.slug == "minnow" }?.isolated == false)

        // Later writes of the org land on its own shard.
        let file = TestCluster.repositoryRoot.appendingPathComponent("demo/surveys.csv").path
        #expect(try SalesCTLProcess.run(["import", "surveys", "--org", "whale", file], database: database).status == 0)
        let balanced = try SalesCTLProcess.run(["cluster", "rebalance"], database: database)
        #expect(balanced.status == 0, "\(balanced.stderr)")
    }

    @Test("on plain PostgreSQL each cluster command exits 64 and says why", arguments: [
        ["cluster", "status"], ["cluster", "rebalance"], ["org", "isolate", "some-org"],
    ])
    func plainPostgresRefuses(arguments: [String]) throws {
        let database = try TestDatabase.migrated()
        let outcome = try SalesCTLProcess.run(arguments, database: database)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("needs a Citus cluster"), "\(outcome.stderr)")
    }
}
