import ArgumentParser
import SalesOps

/// `salesctl team create`: Create a team.
struct TeamCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a team.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "Display name.")
    var name: String

    @Option(help: "The team's external id (generated when omitted).")
    var externalId: String?

    @Option(help: "External id of the parent team.")
    var parent: String?

    @Option(help: "Kind: \(TeamKind.spellings).")
    var kind: TeamKind = .field

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let team = try Session.open(self.global).inOrg(self.scope.org) { session in
                try TeamRepository(session: session).create(externalID: self.externalId, name: self.name,
                                                            parentExternalID: self.parent, kind: self.kind)
            }
            if self.json { try Output.json(team) } else { TeamCommand.print([team]) }
        }
    }
}
