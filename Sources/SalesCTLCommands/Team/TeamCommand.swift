import ArgumentParser
import SalesOps

/// `salesctl team ...`
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Create, list, update and delete teams.",
        subcommands: [TeamCreate.self, TeamList.self, TeamUpdate.self, TeamDelete.self])

    static func print(_ teams: [Team]) {
        Output.table(["EXTERNAL ID", "NAME", "PARENT", "KIND"],
                     teams.map { [$0.externalID, $0.name, $0.parentExternalID, $0.kind.rawValue] })
    }
}

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

struct TeamList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List teams.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let teams = try Session.open(self.global).inOrg(self.scope.org) { try TeamRepository(session: $0).list() }
            if self.json { try Output.json(teams) } else { TeamCommand.print(teams) }
        }
    }
}

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

struct TeamDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a team that has no reps or sub-teams.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The team's external id.")
    var externalId: String

    func run() throws {
        try reportingErrors {
            try Session.open(self.global).inOrg(self.scope.org) { try TeamRepository(session: $0).delete(externalID: self.externalId) }
            print("deleted team \(self.externalId)")
        }
    }
}
