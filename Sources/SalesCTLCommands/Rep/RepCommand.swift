import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep ...`
struct RepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rep", abstract: "Add, list and update reps, and record when they leave.",
        subcommands: [RepAdd.self, RepList.self, RepUpdate.self, RepLeave.self])

    static func print(_ reps: [Rep]) {
        Output.table(["EXTERNAL ID", "NAME", "EMAIL", "TEAM", "ROLE", "HIRED ON", "LEFT ON"],
                     reps.map { [$0.externalID, $0.name, $0.email, $0.teamExternalID, $0.role.rawValue,
                                 $0.hiredOn.description, $0.leftOn?.description] })
    }
}

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
