import ArgumentParser
import SalesOps

/// `salesctl pipeline ...`
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Create and list pipelines.",
        subcommands: [PipelineCreate.self, PipelineList.self])
}

struct PipelineCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a pipeline (add stages with 'stage add').")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The pipeline's name, unique in the org.")
    var name: String

    func run() throws {
        try reportingErrors {
            let pipeline = try Session.open(self.global).inOrg(self.scope.org) { try PipelineRepository(session: $0).create(name: self.name) }
            print("created pipeline \(pipeline.name)")
        }
    }
}

struct PipelineList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pipelines with their stages.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipelines = try Session.open(self.global).inOrg(self.scope.org) { try PipelineRepository(session: $0).list() }
            if self.json { return try Output.json(pipelines) }
            Output.table(["PIPELINE", "STAGES"], pipelines.map { pipeline in
                [pipeline.name, pipeline.stages.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: " → ")]
            })
        }
    }
}
