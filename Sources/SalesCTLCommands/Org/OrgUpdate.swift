import ArgumentParser
import SalesOps

/// `salesctl org update SLUG [--name N] [--timezone TZ] [--currency C] [--fiscal-year-start M]`
struct OrgUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change an org's name, time zone, currency or fiscal year start.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @Option(help: "New display name.")
    var name: String?

    @Option(help: "New IANA time zone.")
    var timezone: String?

    @Option(help: "New ISO 4217 currency.")
    var currency: String?

    @Option(help: "New fiscal year start month (1–12).")
    var fiscalYearStart: Int?

    @Flag(help: "Print the org as JSON.")
    var json = false

    func validate() throws {
        try OrgArguments.validate(slug: nil, currency: self.currency, fiscalYearStart: self.fiscalYearStart)
        guard self.name != nil || self.timezone != nil || self.currency != nil || self.fiscalYearStart != nil else {
            throw ValidationError("nothing to change: give --name, --timezone, --currency or --fiscal-year-start")
        }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.slug)
            let updated = try session.connection.withTenant(org.id) { tenant in
                try OrgRepository(session: tenant).update(slug: self.slug, OrgChanges(
                    name: self.name, timezone: self.timezone, currency: self.currency, fiscalYearStartMonth: self.fiscalYearStart))
            }
            if self.json { try Output.json(updated) } else { OrgShow.print(updated) }
        }
    }
}
