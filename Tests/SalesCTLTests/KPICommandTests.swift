import Foundation
import SalesOps
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

        // People read rounded values in their units, in the order they asked for; CSV keeps every digit.
        let table = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--scope", "team:dach",
                                             "--metric", "win_rate", "revenue", "win_rate"], database: database)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && lines[3].hasPrefix("win_rate ") && lines[4].hasPrefix("revenue "), "\(table.stdout)")
        #expect(lines[3].contains("100.0%") && lines[4].contains("15,000.00 USD") && lines[4].contains("60,000.00 USD")
                && lines[4].contains("25.0%") && lines[4].contains("37.5%"), "\(table.stdout)")
        let ordered = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--scope", "team:dach",
                                               "--metric", "win_rate", "revenue", "--csv"], database: database)
        #expect(ordered.stdout == "metric,value,numerator,denominator,target,attainment_pct,pace_pct\nwin_rate,100,1,1,,,\nrevenue,15000,,,60000,25,37.5\n")

        // An unknown name suggests the nearest and says where to look.
        let typo = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--metric", "revenu"], database: database)
        #expect(typo.status == 65 && typo.stderr.contains("did you mean 'revenue'?") && typo.stderr.contains("'salesctl kpi metrics' lists them"),
                "\(typo.stderr)")
        let team = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-11", "--scope", "team:dac"], database: database)
        #expect(team.status == 65 && team.stderr.contains("team 'dac' is not a team of this org") && team.stderr.contains("did you mean 'dach'?"),
                "\(team.stderr)")
        let dimension = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--metric", "revenue",
                                                 "--dimension", "regio", "--key", "EMEA"], database: database)
        #expect(dimension.status == 65 && dimension.stderr.contains("did you mean 'region'?"), "\(dimension.stderr)")

        let notYet = try SalesCTLProcess.run(["kpi", "show", "--org", "demo", "--period", "2026-12"], database: database)
        #expect(notYet.status == 65 && notYet.stderr.contains("has not been materialized"))
        let usage = try SalesCTLProcess.run(["kpi", "materialize", "--org", "demo", "--all"], database: database)
        #expect(usage.status == 64)

        // Explain: the won deals behind November's revenue of team dach (15,000 above).
        let explained = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--scope", "team:dach",
                                                 "--metric", "revenue"], database: database)
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("revenue: won deals closed in P: 1 record, sum 15,000.00 USD"), "\(explained.stdout)")
        #expect(explained.stdout.contains("value:      15,000.00 USD\n"), "\(explained.stdout)")
        #expect(explained.stdout.contains("stored:     equals the number the run as of 2026-11-20 stored\n"))
        // A value-only metric has no numerator or denominator lines, and no `e = …`.
        #expect(!explained.stdout.contains("numerator:") && !explained.stdout.contains("e = "))
        let rate = try SalesCTLProcess.run(["kpi", "explain", "--org", "demo", "--period", "2026-11", "--metric", "win_rate"],
                                           database: database)
        #expect(rate.stdout.contains("numerator:   ") && rate.stdout.contains("denominator: "), "\(rate.stdout)")
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

    @Test("kpi metrics lists the whole catalogue, without a database, as a table, JSON or CSV")
    func metrics() throws {
        let table = try SalesCTLProcess.run(["kpi", "metrics"])
        #expect(table.status == 0, "\(table.stderr)")
        let revenue = table.stdout.split(separator: "\n").first { $0.hasPrefix("revenue ") }
        #expect(revenue?.contains("money") == true && revenue?.contains("metric_values") == true
                && revenue?.contains("deal_type product region source") == true, "\(table.stdout)")
        let json = try SalesCTLProcess.run(["kpi", "metrics", "--json"])
        let listed = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
        let names = listed.compactMap { $0["metric"] as? String }
        #expect(Set(names) == Set(MetricCatalogue.standard.materializedMetrics + ["stage_entries", "stage_avg_days", "stage_conversion_rate", "leads"]))
        #expect(names.count == Set(names).count)
        let cycle = listed.first { $0["metric"] as? String == "sales_cycle_days" }
        #expect(cycle?["lower_is_better"] as? Bool == true && cycle?["unit"] as? String == "days")
        #expect(listed.allSatisfy { ($0["definition"] as? String)?.isEmpty == false && ($0["scopes"] as? [String])?.isEmpty == false })
        let csv = try SalesCTLProcess.run(["kpi", "metrics", "--csv"])
        #expect(csv.stdout.hasPrefix("metric,family,aggregation,unit,view,scopes,periods,lower_is_better,breakdowns,definition\n"))
        #expect(csv.stdout.contains("\nsales_cycle_days,additive,average,days,metric_values,org team rep,day week month quarter year,true,"),
                "\(csv.stdout)")
    }
}
