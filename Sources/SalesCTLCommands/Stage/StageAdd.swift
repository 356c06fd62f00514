import ArgumentParser
import SalesOps

/// `salesctl stage add`: Add a stage to a pipeline.
struct StageAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a stage to a pipeline.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "The pipeline's name.")
    var pipeline: String

    @Argument(help: "The stage's name, unique in the pipeline.")
    var name: String

    @Option(help: "Position in the pipeline, unique in it.")
    var position: Int

    @Option(help: "Kind: \(StageKind.spellings).")
    var kind: StageKind

    @Option(help: "Win probability 0–100 (default: open 10, won 100, lost 0).")
    var probability: DecimalArgument?

    func validate() throws {
        if let probability, !(0...100).contains(probability.value) {
            throw ValidationError("--probability must be 0–100")
        }
    }

    func run() throws {
        try reportingErrors {
            let stage = try Session.open(self.global).inOrg(self.scope.org) { session in
                try PipelineRepository(session: session).addStage(pipeline: self.pipeline, name: self.name, position: self.position,
                                                                  kind: self.kind, probability: self.probability?.value)
            }
            StageCommand.print([stage])
        }
    }
}
