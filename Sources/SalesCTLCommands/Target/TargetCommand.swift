import ArgumentParser
import SalesOps

/// `salesctl target ...`
struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target", abstract: "Set, list and delete targets (quotas).",
        discussion: "Periods: 2026 (fiscal year starting in 2026), 2026-Q3 (fiscal quarter), 2026-11 (month), 2026-W47 (ISO week).",
        subcommands: [TargetSet.self, TargetList.self, TargetDelete.self])

    static func print(_ targets: [Target]) {
        Swift.print(self.rendering(targets).table, terminator: "")
    }

    /// Targets as a table, JSON or CSV.
    static func rendering(_ targets: [Target]) -> Rendering {
        let header = ["SCOPE", "METRIC", "PERIOD", "FROM", "TO", "VALUE"]
        let rows = targets.map {
            [$0.scopeKind.rawValue + ($0.scopeExternalID.map { ":" + $0 } ?? ""), $0.metric, $0.period,
             $0.periodStart?.description, $0.periodEnd?.description, "\($0.value)"]
        }
        return Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: targets)
    }
}
