import Foundation
import PostgresClient
import Testing
import TestSupport

/// Every per-org command of `salesctl` on a Citus cluster, run as a deployment runs it: as the
/// product's login (no superuser, under every policy), with
/// `citus.multi_task_query_log_level = error`, so a statement that reaches more than one shard
/// fails the command — and so does one whose rows Citus would pass through the coordinator
/// into a tenant table with COPY, which row-level security refuses. Each command also runs
/// with Citus's DEBUG1 messages in its log, and none may say that it collected a worker's rows
/// on the coordinator to insert them (only rows made on the coordinator itself, such as a run's
/// periods or a night's forecast arrays, may be inserted from there).
@Suite("Per-org commands on a Citus cluster touch one shard group",
       .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusCommandRoutingTests {
    @Test("every per-org command succeeds as the product login with multi-shard statements refused")
    func everyCommandIsRouted() throws {
        let database = try CitusTestCluster.database()
        let migrated = try CitusTestCluster.exclusively { try SalesCTLProcess.run(["migrate"], database: database) }
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let login = try CitusTestCluster.productLogin(on: database)
        let routed = TestDatabase(name: database.name, url: database.url(
            as: login, options: "-c citus.multi_task_query_log_level=error -c client_min_messages=debug1"))

        func run(_ arguments: [String]) throws -> String {
            let logged = arguments.starts(with: ["kpi", "metrics"]) ? arguments : arguments + ["--log-level", "debug"]
            let outcome = try SalesCTLProcess.run(logged, database: routed)
            #expect(outcome.status == 0, "salesctl \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr.suffix(4000))")
            let pulled = Self.rowsCollectedFromWorkers(outcome.stderr)
            #expect(pulled.isEmpty, "salesctl \(arguments.joined(separator: " ")) collected a worker's rows on the coordinator: \(pulled)")
            return outcome.stdout
        }
        let org = "routed"
        _ = try run(["org", "create", org, "--name", "Routed", "--timezone", "America/Chicago"])
        _ = try run(["org", "update", org, "--name", "Routed Inc", "--fiscal-year-start", "2"])
        _ = try run(["org", "show", org])
        _ = try run(["demo", "seed", "--org", org, "--reps", "4", "--days", "60", "--last-day", "2026-11-20"])
        let surveys = FileManager.default.temporaryDirectory.appendingPathComponent("routed-surveys-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: surveys) }
        try Data("external_id,kind,score,responded_at\ns-1,nps,9,2026-11-03T10:00:00Z\ns-2,csat,4,2026-11-04T10:00:00Z\n".utf8).write(to: surveys)
        _ = try run(["import", "--org", org, "surveys", surveys.path])

        _ = try run(["team", "create", "--org", org, "--external-id", "t-new", "--name", "New team"])
        _ = try run(["team", "create", "--org", org, "--external-id", "t-gone", "--name", "Short-lived", "--parent", "t-new"])
        _ = try run(["team", "update", "--org", org, "t-new", "--name", "Renamed team"])
        _ = try run(["team", "delete", "--org", org, "t-gone"])
        _ = try run(["team", "list", "--org", org])
        _ = try run(["rep", "add", "--org", org, "--name", "Nia", "--email", "nia@example.com", "--hired-on", "2026-11-02",
                     "--team", "t-new", "--external-id", "r-nia"])
        _ = try run(["rep", "update", "--org", org, "r-nia", "--role", "sdr"])
        _ = try run(["rep", "leave", "--org", org, "r-nia", "--on", "2026-11-30"])
        _ = try run(["rep", "list", "--org", org])
        _ = try run(["pipeline", "create", "--org", org, "Renewals"])
        _ = try run(["stage", "add", "--org", org, "--pipeline", "Renewals", "Due", "--position", "1", "--kind", "open"])
        _ = try run(["stage", "add", "--org", org, "--pipeline", "Renewals", "Renewed", "--position", "2", "--kind", "won"])
        _ = try run(["stage", "update", "--org", org, "--pipeline", "Renewals", "Due", "--probability", "60"])
        _ = try run(["stage", "list", "--org", org])
        _ = try run(["pipeline", "list", "--org", org])

        let admin = try database.connect()
        defer { admin.close() }
        let open = try admin.query("""
            SELECT d.external_id, (SELECT s.name FROM salesops.stages s WHERE s.org_id = d.org_id AND s.pipeline_id = d.pipeline_id
                                   AND s.kind = 'won' ORDER BY s.position LIMIT 1) AS won
            FROM salesops.deals d JOIN salesops.orgs o ON o.id = d.org_id
            WHERE o.slug = \(org) AND d.stage_kind = 'open' ORDER BY d.external_id LIMIT 1
            """).rows[0]
        let deal: String = try open.decode("external_id")
        _ = try run(["deal", "move", "--org", org, deal, "--to", try open.decode("won", as: String.self), "--at", "2026-11-20T15:00:00Z"])
        _ = try run(["deal", "show", "--org", org, deal])
        _ = try run(["target", "set", "--org", org, "--scope", "org", "--metric", "revenue", "--period", "2027-01", "--value", "90000"])
        _ = try run(["target", "list", "--org", org])
        _ = try run(["target", "delete", "--org", org, "--scope", "org", "--metric", "revenue", "--period", "2027-01"])

        _ = try run(["kpi", "materialize", "--org", org, "--from", "2026-10-01", "--to", "2026-11-20"])
        _ = try run(["kpi", "show", "--org", org, "--period", "2026-11"])
        // Explain reads the raw tables its own way for every metric of the catalogue.
        let catalogue = try JSONSerialization.jsonObject(with: Data(try run(["kpi", "metrics", "--json"]).utf8)) as? [String: Any]
        let metrics = try #require(catalogue?["metrics"] as? [[String: Any]])
        #expect(metrics.count > 60)
        let stage = try admin.query("""
            SELECT p.name || '/' || s.name AS stage FROM salesops.stages s
            JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id JOIN salesops.orgs o ON o.id = s.org_id
            WHERE o.slug = \(org) AND s.kind = 'open' ORDER BY p.name, s.position LIMIT 1
            """).rows[0].decode("stage", as: String.self)
        for metric in metrics {
            let name = try #require(metric["metric"] as? String)
            let breakdowns = metric["breakdowns"] as? [String] ?? []
            var explain = ["kpi", "explain", "--org", org, "--period", "2026-11", "--metric", name]
            switch metric["view"] as? String {
            case "stage_metrics": explain += ["--stage", stage]
            case "breakdowns": explain += ["--dimension", try #require(breakdowns.first), "--key", "(none)"]
            default:
                if let dimension = breakdowns.first { _ = try run(explain + ["--dimension", dimension, "--key", "(none)"]) }
            }
            _ = try run(explain)
        }
        _ = try run(["kpi", "explain", "--org", org, "--period", "2026-11", "--metric", "revenue", "--scope", "team:t-new"])
        _ = try run(["forecast", "show", "--org", org, "--period", "2026-11", "--as-of", "2026-11-15"])
        _ = try run(["forecast", "backtest", "--org", org, "--period-kind", "month", "--from", "2026-10", "--to", "2026-11"])
        _ = try run(["plan", "quotas", "--org", org, "--period", "2026-12"])
        let applied = try run(["plan", "quotas", "--org", org, "--period", "2026-12", "--apply", "--json"])
        #expect(!applied.isEmpty)
        let again = try run(["plan", "quotas", "--org", org, "--period", "2026-12", "--apply"])
        #expect(again.contains("no target changed"), "a re-apply of the same plan changes nothing: \(again)")

        _ = try run(["token", "create", "--org", org, "--role", "reader", "--name", "bi"])
        let tokens = try JSONSerialization.jsonObject(with: Data(try run(["token", "list", "--org", org, "--json"]).utf8)) as? [[String: Any]]
        let id = try #require(tokens?.first?["id"] as? Int)
        _ = try run(["token", "revoke", "--org", org, String(id)])

        let rows: Int = try admin.query("""
            SELECT count(*)::int AS n FROM kpi.metric_fact_sets f JOIN salesops.orgs o ON o.id = f.org_id WHERE o.slug = \(org)
            """).rows[0].decode("n")
        #expect(rows > 0, "the materialization stored the org's facts")
    }

    /// The reasons Citus gave, in a command's debug log, for each `INSERT … SELECT` whose rows it
    /// collected on the coordinator, except where the rows came from no distributed table (made
    /// on the coordinator, not read from a worker).
    static func rowsCollectedFromWorkers(_ log: String) -> [String] {
        var lastReason = "", pulled: [String] = []
        for line in log.split(separator: "\n") where line.contains("severity=DEBUG") {
            guard let start = line.range(of: "postgres: ") else { continue }
            let message = String(line[start.upperBound...])
            if message.hasPrefix("Collecting INSERT ... SELECT results on coordinator") {
                if !lastReason.contains("can only select from distributed tables") { pulled.append(lastReason) }
            } else if line.contains("sqlstate=0A000") {
                // Citus gives its reasons for not sending a statement whole as "feature not supported".
                lastReason = message
            }
        }
        return pulled
    }

    @Test("the log reader finds rows collected from a worker and lets rows made on the coordinator pass")
    func logReader() {
        let reason = "2026-12-08T00:46:18+0000 debug salesctl: severity=DEBUG sqlstate=0A000 [PostgresClient] postgres: "
        let other = "2026-12-08T00:46:18+0000 debug salesctl: severity=DEBUG sqlstate=00000 [PostgresClient] postgres: "
        let fromWorker = [reason + "cannot perform distributed INSERT INTO ... SELECT because the partition columns do not match",
                          other + "rehashing catalog cache id 6 for pg_attribute; 129 tups, 64 buckets",
                          other + "Collecting INSERT ... SELECT results on coordinator"]
        let fromCoordinator = [reason + "distributed INSERT ... SELECT can only select from distributed tables",
                               other + "Collecting INSERT ... SELECT results on coordinator"]
        #expect(Self.rowsCollectedFromWorkers(fromWorker.joined(separator: "\n")).count == 1)
        #expect(Self.rowsCollectedFromWorkers(fromCoordinator.joined(separator: "\n")).isEmpty)
        #expect(Self.rowsCollectedFromWorkers((fromCoordinator + fromWorker).joined(separator: "\n")).count == 1)
    }
}
