import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep update`: Change a rep's name, email, team or role.
struct RepUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a rep's name, email, team or role.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The rep's external id.")
    var externalId: String

    @Option(help: "New name.")
    var name: String?

    @Option(help: "New email.")
    var email: String?

    @Option(help: "External id of the new team.")
    var team: String?

    @Flag(help: "Take the rep out of any team.")
    var noTeam = false

    @Option(help: "New role: \(RepRole.spellings).")
    var role: RepRole?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if self.team != nil && self.noTeam { throw ValidationError("--team and --no-team exclude each other") }
        if self.name == nil && self.email == nil && self.team == nil && !self.noTeam && self.role == nil {
            throw ValidationError("nothing to change: give --name, --email, --team, --no-team or --role")
        }
    }

    func run() throws {
        try reportingErrors {
            let team: ReferenceChange = self.noTeam ? .clear : self.team.map { .set($0) } ?? .keep
            let rep = try Session.open(self.global).inOrg(self.scope.org) { session in
                try RepRepository(session: session).update(externalID: self.externalId, name: self.name, email: self.email,
                                                           team: team, role: self.role)
            }
            if self.json { try Output.json(rep) } else { RepCommand.print([rep]) }
        }
    }
}
