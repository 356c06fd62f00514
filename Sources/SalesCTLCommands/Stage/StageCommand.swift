import ArgumentParser
import SalesOps

/// `salesctl stage ...`
struct StageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage", abstract: "Add, list and update the stages of a pipeline.",
        subcommands: [StageAdd.self, StageList.self, StageUpdate.self])

    static func print(_ stages: [Stage]) {
        Output.table(["PIPELINE", "POSITION", "STAGE", "KIND", "PROBABILITY"],
                     stages.map { [$0.pipeline, String($0.position), $0.name, $0.kind.rawValue, "\($0.probability)"] })
    }
}
