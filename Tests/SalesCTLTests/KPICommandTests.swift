import Foundation
import Testing
import TestSupport

@Suite("salesctl kpi materialize and kpi show")
struct KPICommandTests {
    @Test("materialize then show: values, targets, attainment and pace of the demo org, as JSON and CSV")
    func materializeAndShow() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "demo", "--name", "Demo", "--timezone", "Europe/Berlin",
                                         "--fiscal-year-start", "4"], database: database).status == 0)
        for kind in ["teams", "reps", "accounts", "stages", "leads", "deals", "stage_changes", "activities", "surveys", "spend", "targets"] {
            let path = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind).csv").path
            #expect(try SalesCTLProcess.run(["import", kind, "--org", "demo", path], database: database).status == 0)
        }
        let materialized = try SalesCTLProcess.run(["kpi", "materialize", "--org", "demo", "--from", "2026-11-01", "--to", "2026-11-20"],
                                                   database: database)
        #expect(materialized.status == 0, "\(materialized.stderr)")
        #expect(materialized.stdout.hasPrefix("demo: 2026-11-01..2026-11-20: "))
        let rerun = try SalesCTLProcess.run(["kpi", "materialize", "--all", "--from", "2026-11-01", "--to", "2026-11-20"], database: database)
        #expect(rerun.stdout.contains(", 0 fact rows written"))

        let json = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--metric", "revenue", "--json"],
                                           database: database)
        let shown = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let revenue = (shown?["metrics"] as? [[String: Any]])?.first
        #expect((revenue?["value"] as? NSNumber)?.intValue == 76000)
        #expect((revenue?["target"] as? NSNumber)?.intValue == 120000)
        #expect((revenue?["pace_pct"] as? NSNumber)?.intValue == 95)

        let csv = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--scope", "team:dach",
                                           "--metric", "revenue", "win_rate", "--csv"], database: database)
        #expect(csv.stdout == "metric,value,numerator,denominator,target,attainment_pct,pace_pct\nrevenue,15000,,,60000,25,37.5\nwin_rate,100,1,1,,,\n")

        let notYet = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-12"], database: database)
        #expect(notYet.status == 65 && notYet.stderr.contains("has not been materialized"))
        let usage = try SalesCTLProcess.run(["kpi", "materialize", "--org", "demo", "--all"], database: database)
        #expect(usage.status == 64)

        // Explain: the won deals behind November's revenue of team dach (15,000 above).
        let explained = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--scope", "team:dach",
                                                 "--metric", "revenue"], database: database)
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("revenue: won deals closed in P: 1 records, sum 15000"), "\(explained.stdout)")
        #expect(explained.stdout.contains("materialized: 15000 / - / -"))
        let explainedJSON = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--metric", "win_rate",
                                                     "--limit", "1", "--json"], database: database)
        let explanation = try JSONSerialization.jsonObject(with: Data(explainedJSON.stdout.utf8)) as? [String: Any]
        let sides = explanation?["sides"] as? [[String: Any]]
        #expect(sides?.count == 2 && (sides?[1]["records"] as? [Any])?.count == 1)
        #expect((explanation?["numerator"] as? NSNumber) == ((explanation?["materialized"] as? [String: Any])?["numerator"] as? NSNumber))
        let badLimit = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--metric", "revenue",
                                                "--limit", "0"], database: database)
        #expect(badLimit.status == 64 && badLimit.stderr.contains("--limit 0"))
        let noStage = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--metric", "stage_avg_days"],
                                              database: database)
        #expect(noStage.status == 65 && noStage.stderr.contains("needs a stage"), "\(noStage.stderr)")
    }
}
