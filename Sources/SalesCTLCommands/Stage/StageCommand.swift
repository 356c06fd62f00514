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

struct StageList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List stages.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "Only this pipeline's stages.")
    var pipeline: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let stages = try Session.open(self.global).inOrg(self.scope.org) { session in
                if let pipeline = self.pipeline { _ = try PipelineRepository(session: session).id(of: pipeline) }
                return try PipelineRepository(session: session).stages(pipeline: self.pipeline)
            }
            if self.json { try Output.json(stages) } else { StageCommand.print(stages) }
        }
    }
}

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
