import ArgumentParser
import SalesOps

/// `salesctl org list [--json]`
struct OrgList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List orgs.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let orgs = try session.connection.withApplicationRole { try OrgRepository(connection: $0).list() }
            if self.json { return try Output.json(orgs) }
            Output.table(["SLUG", "NAME", "TIMEZONE", "CURRENCY", "FY START"],
                         orgs.map { [$0.slug, $0.name, $0.timezone, $0.currency, String($0.fiscalYearStartMonth)] })
        }
    }
}
