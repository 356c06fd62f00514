import ArgumentParser
import SalesOps

/// `salesctl target list`: List targets.
struct TargetList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List targets.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @Option(help: ArgumentHelp("Only this scope: org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let targets = try Session.open(self.global).inOrg(self.org.org) { try TargetRepository(session: $0).list(scope: self.scope?.scope) }
            try Output.print(TargetCommand.rendering(targets), as: self.output.format)
        }
    }
}
