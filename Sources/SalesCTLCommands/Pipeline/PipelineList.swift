import ArgumentParser
import SalesOps

/// `salesctl pipeline list`: List pipelines with their stages.
struct PipelineList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pipelines with their stages.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let pipelines = try Session.open(self.global).inOrg(self.scope.org) { try PipelineRepository(session: $0).list() }
            let header = ["PIPELINE", "STAGES"]
            let rows = pipelines.map { pipeline in
                [pipeline.name, pipeline.stages.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: " → ")]
            }
            try Output.print(Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: pipelines),
                             as: self.output.format)
        }
    }
}
