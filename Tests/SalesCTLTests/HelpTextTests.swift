import ArgumentParser
import SalesCTLCommands
import Testing

@Suite("Every command's help reads as a user would type it")
struct HelpTextTests {
    /// Every command under the root, found from the configuration, so new ones are checked too.
    static func commands(_ command: any ParsableCommand.Type = SalesCTL.self) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { Self.commands($0) }
    }

    @Test("no help text shows a Swift type's debug description (a default like `ScopeArgument(scope: ...)`)")
    func helpShowsNoSwiftValues() {
        let commands = Self.commands()
        #expect(commands.count > 40)
        for command in commands {
            let help = SalesCTL.helpMessage(for: command, columns: 200)
            for leak in ["SalesOps.", "Argument(", "SalesCTLCommands.", "Optional("] {
                #expect(!help.contains(leak), "\(command._commandName) --help shows '\(leak)': \(help)")
            }
        }
    }

    @Test("kpi show's scope default reads 'org'")
    func scopeDefault() {
        let help = SalesCTL.helpMessage(for: SalesCTL.self.configuration.subcommands.first { $0._commandName == "kpi" }!
            .configuration.subcommands.first { $0._commandName == "show" }!, columns: 200)
        #expect(help.contains("(default: org)"), "\(help)")
    }
}
