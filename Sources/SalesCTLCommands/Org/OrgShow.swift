import ArgumentParser
import SalesOps

/// `salesctl org show SLUG [--json]`
struct OrgShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one org.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let org = try Session.open(self.global).org(self.slug)
            if self.json { try Output.json(org) } else { Self.print(org) }
        }
    }

    static func print(_ org: Org) {
        Output.fields([("slug", org.slug), ("name", org.name), ("timezone", org.timezone), ("currency", org.currency),
                       ("fiscal_year_start_month", String(org.fiscalYearStartMonth)),
                       ("created_at", Output.instant(org.createdAt))])
    }
}
