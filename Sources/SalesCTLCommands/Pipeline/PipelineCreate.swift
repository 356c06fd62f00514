import ArgumentParser
import SalesOps

/// `salesctl pipeline create`: Create a pipeline (add stages with 'stage add').
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
