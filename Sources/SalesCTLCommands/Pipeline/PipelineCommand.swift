import ArgumentParser
import SalesOps

/// `salesctl pipeline ...`
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Create and list pipelines.",
        subcommands: [PipelineCreate.self, PipelineList.self])
}
