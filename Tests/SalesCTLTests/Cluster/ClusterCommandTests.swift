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

    struct IsolationJSON: Decodable {
        var slug: String; var shard_id: Int64; var node: String; var already_isolated: Bool; var rows_before: Int64; var rows_after: Int64
    }

    @Test("status lists the nodes and the largest orgs where their shards are; isolate gives a whale its own shard, row for row",
          .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
    func statusAndIsolate() throws {
        let database = try CitusTestCluster.database()
        let migrated = try CitusTestCluster.exclusively { try SalesCTLProcess.run(["migrate"], database: database) }
        #expect(migrated.status == 0)
        #expect(migrated.stdout.contains("tables distributed by org_id"), "\(migrated.stdout)")
        #expect(migrated.stderr.contains("this login is a superuser or has BYPASSRLS"), "the test's superuser login is named as one RLS skips")
        // Tenant work runs as a deployment's product login (no superuser, under every policy);
        // the operator's commands (migrate, cluster, org isolate) as the superuser.
        let product = TestDatabase(name: database.name, url: database.url(as: try CitusTestCluster.productLogin(on: database)))
        for slug in ["whale", "minnow"] {
            #expect(try SalesCTLProcess.run(["org", "create", slug, "--name", slug], database: product).status == 0)
        }
        for kind in ["teams", "reps", "stages", "accounts", "leads"] {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind).csv").path
            let outcome = try SalesCTLProcess.run(["import", kind, "--org", "whale", file], database: product)
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
        // The whale's KPIs are stored before the move (the fingerprint covers the kpi tables),
        // and the API reads them all through it.
        #expect(try SalesCTLProcess.run(["kpi", "materialize", "--org", "whale", "--from", "2026-11-01", "--to", "2026-11-20"],
                                        database: product).status == 0)
        let before = try fingerprint()
        let reader = try SalesCTLProcess.run(["token", "create", "--org", "whale", "--role", "reader", "--name", "bi"], database: product)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let api = try APIDuringMove(product: product, token: reader, path: "/v1/kpis?period=2026-11")
        let isolated = try SalesCTLProcess.run(["org", "isolate", "whale", "--json"], database: database)
        let answers = try api.stop()
        #expect(isolated.status == 0, "\(isolated.stderr)")
        #expect(answers.count >= 3, "the reads did not overlap the move: \(answers)")
        #expect(answers.allSatisfy { $0 == "200" }, "API answers during the move: \(answers)")
        let result = try JSONDecoder().decode(IsolationJSON.self, from: Data(isolated.stdout.utf8))
        #expect(!result.already_isolated)
        #expect(result.rows_before == result.rows_after && result.rows_after > 11)
        #expect(try fingerprint() == before, "every row of the org is where it was, in content")
        let again = try JSONDecoder().decode(IsolationJSON.self, from: Data(try SalesCTLProcess.run(["org", "isolate", "whale", "--json"], database: database).stdout.utf8))
        #expect(again.already_isolated && again.shard_id == result.shard_id && again.rows_after == result.rows_after)
        let placed = try JSONDecoder().decode(StatusJSON.self, from: Data(try SalesCTLProcess.run(["cluster", "status", "--json"], database: database).stdout.utf8))
        #expect(placed.largest_orgs.first { $0.slug == "whale" }?.isolated == true)
        #expect(placed.largest_orgs.first { $0.slug == "minnow" }?.isolated == false)

        // Later writes of the org land on its own shard.
        let file = TestCluster.repositoryRoot.appendingPathComponent("demo/surveys.csv").path
        #expect(try SalesCTLProcess.run(["import", "surveys", "--org", "whale", file], database: product).status == 0)

        // The other org is isolated while an import of 2,000 new deals of its own runs: the
        // import waits for the split or finishes before it, and no row is lost either way.
        for kind in ["teams", "reps", "stages", "accounts"] {
            let path = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind).csv").path
            #expect(try SalesCTLProcess.run(["import", kind, "--org", "minnow", path], database: product).status == 0)
        }
        let deals = FileManager.default.temporaryDirectory.appendingPathComponent("isolate-deals-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: deals) }
        let header = "external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at\n"
        try Data((header + (0..<2000).map { "d-\($0),Deal \($0),a-bosch,r-anna,New Business,Qualification,\($0).50,2026-06-02T09:00:00Z\n" }
            .joined()).utf8).write(to: deals)
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = product.url
        // The scheduler runs the org's nights during the move too: created on 25 November, due
        // the nights up to 30 November on a clock started on 1 December.
        try connection.execute("UPDATE salesops.orgs SET created_at = '2026-11-25T12:00:00Z' WHERE slug = 'minnow'")
        let scheduler = try BackgroundProcess(SalesCTLProcess.binary, ["scheduler", "run", "--once", "--clock-start", "2026-12-01T12:30:00Z"],
                                              environment: environment)
        let importing = try BackgroundProcess(SalesCTLProcess.binary, ["import", "deals", "--org", "minnow", deals.path], environment: environment)
        let moved = try SalesCTLProcess.run(["org", "isolate", "minnow"], database: database)
        #expect(moved.status == 0, "\(moved.stderr)")
        let imported = try #require(importing.wait(timeout: .seconds(120)))
        #expect(imported.status == 0, "\(imported.stderr)")
        let scheduled = try #require(scheduler.wait(timeout: .seconds(120)))
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let nights: [String] = try connection.query("""
            SELECT r.night::text || ' ' || r.status AS run FROM salesops.scheduler_runs r JOIN salesops.orgs o ON o.id = r.org_id
            WHERE o.slug = 'minnow' ORDER BY r.night
            """).rows.map { try $0.decode("run") }
        #expect(!nights.isEmpty && nights.allSatisfy { $0.hasSuffix(" succeeded") }, "minnow's nights: \(nights)")
        let minnowDeals: Int = try connection.query("""
            SELECT count(*)::int AS n FROM salesops.deals WHERE org_id = (SELECT id FROM salesops.orgs WHERE slug = 'minnow')
            """).rows[0].decode("n")
        #expect(minnowDeals == 2000)
        let reimported = try SalesCTLProcess.run(["import", "deals", "--org", "minnow", deals.path], database: product)
        #expect(reimported.stdout.contains("0 inserted, 0 updated, 2000 unchanged"), "\(reimported.stdout)")

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
