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

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let reps = try Session.open(self.global).inOrg(self.scope.org) { try RepRepository(session: $0).list(teamExternalID: self.team) }
            if self.json { try Output.json(reps) } else { RepCommand.print(reps) }
        }
    }
}
