import ArgumentParser
import SalesOps

/// `salesctl target delete`: Delete a target.
struct TargetDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a target.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption
    @OptionGroup var key: TargetKeyOptions

    func run() throws {
        try reportingErrors {
            try Session.open(self.global).inOrg(self.org.org) { session in
                try TargetRepository(session: session).delete(scope: self.key.scope.scope, metric: self.key.metric, period: self.key.period.label)
            }
            print("deleted target \(self.key.metric) \(self.key.period)")
        }
    }
}
