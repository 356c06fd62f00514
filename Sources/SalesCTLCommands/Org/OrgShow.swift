import ArgumentParser
import SalesOps

/// `salesctl org show SLUG [--json]`
struct OrgShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one org.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let org = try Session.open(self.global).org(self.slug)
            try Output.print(Self.rendering(org), as: self.output.format)
        }
    }

    static func print(_ org: Org) {
        Swift.print(self.rendering(org).table, terminator: "")
    }

    /// One org as "key: value" lines, JSON, or a one-row CSV.
    static func rendering(_ org: Org) -> Rendering {
        let pairs: [(String, String?)] = [
            ("slug", org.slug), ("name", org.name), ("timezone", org.timezone), ("currency", org.currency),
            ("fiscal_year_start_month", String(org.fiscalYearStartMonth)), ("created_at", Output.instant(org.createdAt)),
        ]
        return Rendering(table: Output.renderFields(pairs), header: pairs.map(\.0), rows: [pairs.map(\.1)], json: org)
    }
}
