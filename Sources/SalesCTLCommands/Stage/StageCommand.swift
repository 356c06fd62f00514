import ArgumentParser
import SalesOps

/// `salesctl stage ...`
struct StageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage", abstract: "Add, list and update the stages of a pipeline.",
        subcommands: [StageAdd.self, StageList.self, StageUpdate.self])

    static func print(_ stages: [Stage]) {
        Swift.print(self.rendering(stages).table, terminator: "")
    }

    /// Stages as a table, JSON or CSV.
    static func rendering(_ stages: [Stage]) -> Rendering {
        let header = ["PIPELINE", "POSITION", "STAGE", "KIND", "PROBABILITY"]
        let rows = stages.map { [$0.pipeline, String($0.position), $0.name, $0.kind.rawValue, "\($0.probability)"] }
        return Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: stages)
    }
}
