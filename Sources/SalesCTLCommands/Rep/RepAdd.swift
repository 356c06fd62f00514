import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep add`: Add a rep.
struct RepAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a rep.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "Full name.")
    var name: String

    @Option(help: "Email, unique in the org.")
    var email: String

    @Option(help: "Hire date, YYYY-MM-DD.")
    var hiredOn: LocalDate

    @Option(help: "External id of the rep's team.")
    var team: String?

    @Option(help: "Role: \(RepRole.spellings).")
    var role: RepRole = .ae

    @Option(help: "The rep's external id (generated when omitted).")
    var externalId: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let rep = try Session.open(self.global).inOrg(self.scope.org) { session in
                try RepRepository(session: session).add(NewRep(externalID: self.externalId, name: self.name, email: self.email,
                                                                teamExternalID: self.team, role: self.role, hiredOn: self.hiredOn))
            }
            if self.json { try Output.json(rep) } else { RepCommand.print([rep]) }
        }
    }
}
