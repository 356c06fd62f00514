import ArgumentParser
import SalesOps

/// `salesctl team update`: Rename a team, move it under another parent or change its kind.
struct TeamUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename a team, move it under another parent or change its kind.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The team's external id.")
    var externalId: String

    @Option(help: "New display name.")
    var name: String?

    @Option(help: "External id of the new parent team.")
    var parent: String?

    @Flag(help: "Make it a top-level team.")
    var noParent = false

    @Option(help: "New kind: \(TeamKind.spellings).")
    var kind: TeamKind?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if self.parent != nil && self.noParent { throw ValidationError("--parent and --no-parent exclude each other") }
        if self.name == nil && self.parent == nil && !self.noParent && self.kind == nil {
            throw ValidationError("nothing to change: give --name, --parent, --no-parent or --kind")
        }
    }

    func run() throws {
        try reportingErrors {
            let parent: ReferenceChange = self.noParent ? .clear : self.parent.map { .set($0) } ?? .keep
            let team = try Session.open(self.global).inOrg(self.scope.org) { session in
                try TeamRepository(session: session).update(externalID: self.externalId, name: self.name, parent: parent, kind: self.kind)
            }
            if self.json { try Output.json(team) } else { TeamCommand.print([team]) }
        }
    }
}
