import ArgumentParser
import SalesOps

/// `salesctl org list [--json]`
struct OrgList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List orgs.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let orgs = try session.connection.withApplicationRole { try OrgRepository(connection: $0).list() }
            let header = ["SLUG", "NAME", "TIMEZONE", "CURRENCY", "FY START"]
            let rows = orgs.map { [$0.slug, $0.name, $0.timezone, $0.currency, String($0.fiscalYearStartMonth)] }
            try Output.print(Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: orgs),
                             as: self.output.format)
        }
    }
}
