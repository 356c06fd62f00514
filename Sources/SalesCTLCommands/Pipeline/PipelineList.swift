import ArgumentParser
import SalesOps

/// `salesctl pipeline list`: List pipelines with their stages.
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
