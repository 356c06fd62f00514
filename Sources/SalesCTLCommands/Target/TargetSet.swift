import ArgumentParser
import SalesOps

/// `salesctl target set`: Set a target (replacing the value of an existing one).
struct TargetSet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a target (replacing the value of an existing one).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption
    @OptionGroup var key: TargetKeyOptions

    @Option(help: "The target value.")
    var value: DecimalArgument

    func run() throws {
        try reportingErrors {
            let target = try Session.open(self.global).inOrg(self.org.org) { session in
                try TargetRepository(session: session).set(scope: self.key.scope.scope, metric: self.key.metric,
                                                           period: self.key.period.label, value: self.value.value)
            }
            TargetCommand.print([target])
        }
    }
}
