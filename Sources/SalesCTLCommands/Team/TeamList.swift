import ArgumentParser
import SalesOps

/// `salesctl team list`: List teams.
struct TeamList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List teams.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let teams = try Session.open(self.global).inOrg(self.scope.org) { try TeamRepository(session: $0).list() }
            try Output.print(TeamCommand.rendering(teams), as: self.output.format)
        }
    }
}
