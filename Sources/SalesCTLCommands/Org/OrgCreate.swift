import ArgumentParser
import SalesOps

/// `salesctl org create SLUG --name N [--timezone TZ] [--currency C] [--fiscal-year-start M]`
struct OrgCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an org.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug: 2–63 characters of a–z, 0–9 and '-'.")
    var slug: String

    @Option(help: "Display name.")
    var name: String

    @Option(help: "IANA time zone of the org's local days.")
    var timezone = "UTC"

    @Option(help: "ISO 4217 currency of amounts.")
    var currency = "USD"

    @Option(help: "Month (1–12) the fiscal year starts in.")
    var fiscalYearStart = 1

    @Flag(help: "Print the org as JSON.")
    var json = false

    func validate() throws {
        try OrgArguments.validate(slug: self.slug, currency: self.currency, fiscalYearStart: self.fiscalYearStart)
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.connection.withApplicationRole { connection in
                try OrgRepository(connection: connection).create(NewOrg(
                    slug: self.slug, name: self.name, timezone: self.timezone, currency: self.currency,
                    fiscalYearStartMonth: self.fiscalYearStart))
            }
            if self.json { try Output.json(org) } else { OrgShow.print(org) }
        }
    }
}
