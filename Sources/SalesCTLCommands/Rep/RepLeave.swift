import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep leave`: Record the day a rep left (first day no longer active).
struct RepLeave: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leave", abstract: "Record the day a rep left (first day no longer active).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The rep's external id.")
    var externalId: String

    @Option(help: "The leaving date, YYYY-MM-DD.")
    var on: LocalDate

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let rep = try Session.open(self.global).inOrg(self.scope.org) { try RepRepository(session: $0).leave(externalID: self.externalId, on: self.on) }
            if self.json { try Output.json(rep) } else { RepCommand.print([rep]) }
        }
    }
}
