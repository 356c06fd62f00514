import ArgumentParser
import SalesOps

/// `salesctl stage update`: Rename, move or re-kind a stage, or change its probability.
struct StageUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename, move or re-kind a stage, or change its probability.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "The pipeline's name.")
    var pipeline: String

    @Argument(help: "The stage's current name.")
    var name: String

    @Option(help: "New name.")
    var rename: String?

    @Option(help: "New position.")
    var position: Int?

    @Option(help: "New kind: \(StageKind.spellings).")
    var kind: StageKind?

    @Option(help: "New probability 0–100.")
    var probability: DecimalArgument?

    func validate() throws {
        if let probability, !(0...100).contains(probability.value) {
            throw ValidationError("--probability must be 0–100")
        }
        if self.rename == nil && self.position == nil && self.kind == nil && self.probability == nil {
            throw ValidationError("nothing to change: give --rename, --position, --kind or --probability")
        }
    }

    func run() throws {
        try reportingErrors {
            let stage = try Session.open(self.global).inOrg(self.scope.org) { session in
                try PipelineRepository(session: session).updateStage(pipeline: self.pipeline, name: self.name, newName: self.rename,
                                                                     position: self.position, kind: self.kind,
                                                                     probability: self.probability?.value)
            }
            StageCommand.print([stage])
        }
    }
}
