import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl kpi materialize --org SLUG | --all [--from D1] [--to D2]`
struct KPIMaterialize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materialize",
        abstract: "Compute the KPI facts of a window of local days, one transaction per org.",
        discussion: """
            Computes every day in [--from, --to] and every week, month, fiscal quarter and fiscal year
            containing one of them, as of --to. Defaults: --to is the org's local yesterday, --from is six
            days before --to.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The org's slug.", valueName: "slug"))
    var org: String?

    @Flag(help: "Every org.")
    var all = false

    @Option(help: "First local day, YYYY-MM-DD.")
    var from: LocalDate?

    @Option(help: "Last local day and as-of date, YYYY-MM-DD.")
    var to: LocalDate?

    @Flag(help: "Compute from the raw tables but store nothing (reports the facts computed).")
    var dryRun = false

    @Flag(help: "Store the KPIs only, not the forecasts as of the last day (kpi.forecasts keeps what it had).")
    var noForecasts = false

    @Flag(help: "Print the reports as JSON.")
    var json = false

    func validate() throws {
        guard (self.org != nil) != self.all else { throw ValidationError("give either --org SLUG or --all") }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let orgs = try self.all
                ? session.connection.withApplicationRole { try OrgRepository(connection: $0).list() }
                : [session.org(self.org!)]
            let materializer = KPIMaterializer(connection: session.connection)
            var reports: [MaterializationReport] = []
            for org in orgs {
                let to = try self.to ?? materializer.localYesterday(of: org)
                let from = self.from ?? to.adding(days: -6)
                let report = try materializer.materialize(org: org, from: from, to: to, dryRun: self.dryRun,
                                                          keepingForecasts: !self.noForecasts)
                reports.append(report)
                if !self.json {
                    print("\(org.slug): \(from)..\(to): \(report.periods) periods, \(report.rowsWritten) fact rows "
                          + (self.dryRun ? "computed (dry run, nothing stored)" : "written"))
                }
            }
            if self.json { try Output.json(reports) }
        }
    }
}
