import Foundation
import Testing
import TestSupport

@Suite("salesctl forecast and plan on a seeded org: JSON for programs, exit codes for mistakes")
struct ForecastCommandTests {
    @Test("forecast show, backtest and plan quotas answer; bad input exits 64 or 65 and --apply writes once")
    func commands() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "fc", "--name", "FC", "--timezone", "Europe/Berlin"], database: database).status == 0)
        let seeded = try SalesCTLProcess.run(["demo", "seed", "--org", "fc", "--reps", "6", "--days", "400", "--seed", "7",
                                              "--last-day", "2026-11-22"], database: database)
        #expect(seeded.status == 0, "\(seeded.stderr)")

        let shown = try SalesCTLProcess.run(["forecast", "show", "--org", "fc", "--period", "2026-11", "--as-of", "2026-11-15", "--json"],
                                            database: database)
        #expect(shown.status == 0, "\(shown.stderr)")
        let forecast = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(forecast?["as_of"] as? String == "2026-11-15")
        #expect((forecast?["value"] as? NSNumber).map { $0.doubleValue > 0 } == true, "\(shown.stdout)")
        #expect((forecast?["calls"] as? [Any])?.isEmpty == false, "the demo's sellers call every month")

        let backtest = try SalesCTLProcess.run(["forecast", "backtest", "--org", "fc", "--period-kind", "month", "--from", "2026-06",
                                                "--to", "2026-10", "--csv"], database: database)
        #expect(backtest.status == 0, "\(backtest.stderr)")
        #expect(backtest.stdout.split(separator: "\n").count == 6)  // header + five months

        for (arguments, status) in [
            (["forecast", "show", "--org", "fc", "--period", "2026-11", "--as-of", "2026-12-01"], 65),
            (["forecast", "show", "--org", "fc", "--period", "2026-13"], 64),
            (["forecast", "backtest", "--org", "fc", "--period-kind", "day"], 65),
            (["plan", "quotas", "--org", "fc", "--period", "2026-12", "--replace"], 64),
            (["plan", "quotas", "--org", "fc", "--period", "2026-12", "--scope", "rep:rep-1"], 65),
        ] {
            let run = try SalesCTLProcess.run(arguments, database: database)
            #expect(run.status == Int32(status), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.isEmpty)
        }

        let applied = try SalesCTLProcess.run(["plan", "quotas", "--org", "fc", "--period", "2026-12", "--total", "600000", "--apply"],
                                              database: database)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("targets written"))
        let again = try SalesCTLProcess.run(["plan", "quotas", "--org", "fc", "--period", "2026-12", "--total", "600000", "--apply"],
                                            database: database)
        #expect(again.stdout.contains("no target changed"), "\(again.stdout)")
        let other = try SalesCTLProcess.run(["plan", "quotas", "--org", "fc", "--period", "2026-12", "--total", "700000", "--apply"],
                                            database: database)
        #expect(other.status == 65 && other.stderr.contains("--replace"), "\(other.stderr)")
    }
}
