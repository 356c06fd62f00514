import ArgumentParser
import SalesOps

/// `salesctl stage list`: List stages.
struct StageList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List stages.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "Only this pipeline's stages.")
    var pipeline: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let stages = try Session.open(self.global).inOrg(self.scope.org) { session in
                if let pipeline = self.pipeline { _ = try PipelineRepository(session: session).id(of: pipeline) }
                return try PipelineRepository(session: session).stages(pipeline: self.pipeline)
            }
            try Output.print(StageCommand.rendering(stages), as: self.output.format)
        }
    }
}
