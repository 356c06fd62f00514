import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep list`: List reps.
struct RepList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List reps.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "Only reps of this team (external id).")
    var team: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let reps = try Session.open(self.global).inOrg(self.scope.org) { try RepRepository(session: $0).list(teamExternalID: self.team) }
            try Output.print(RepCommand.rendering(reps), as: self.output.format)
        }
    }
}
