import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl kpi explain --org SLUG --period P [--scope S] --metric M [--stage PIPELINE/STAGE]
/// [--dimension D --key K] [--limit N] [--offset N] [--json]`
struct KPIExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "List the records behind a metric's numerator and denominator, recomputed from the raw data.",
        discussion: """
            Each side's total is recomputed from every one of its records by the metric's definition; when the data has \
            not changed since the period was materialized, the totals equal the stored numerator and denominator.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scopeOrg: OrgOption

    @OptionGroup var read: KPIReadOptions

    @Option(help: "The metric, e.g. win_rate.")
    var metric: String

    @Option(help: ArgumentHelp("For stage metrics: the stage as PIPELINE/STAGE.", valueName: "pipeline/stage"))
    var stage: String?

    @Option(help: "For breakdowns: region, product, source, deal_type, lead_source or lifecycle_stage.")
    var dimension: String?

    @Option(help: "For breakdowns: the dimension's key ('(none)' for a missing value).")
    var key: String?

    @Option(help: "Records per side (1 to \(ExplainRequest.maximumLimit)).")
    var limit = 50

    @Option(help: "Records of each side to skip (0 to \(ExplainRequest.maximumOffset)).")
    var offset = 0

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...ExplainRequest.maximumLimit).contains(self.limit) else {
            throw ValidationError("--limit \(self.limit): expected 1 to \(ExplainRequest.maximumLimit)")
        }
        guard (0...ExplainRequest.maximumOffset).contains(self.offset) else {
            throw ValidationError("--offset \(self.offset): expected 0 to \(ExplainRequest.maximumOffset)")
        }
    }

    func run() throws {
        try reportingErrors {
            let request = ExplainRequest(period: self.read.period.label, scope: self.read.scope.scope, metric: self.metric, stage: self.stage,
                                         dimension: self.dimension, key: self.key, limit: self.limit, offset: self.offset)
            let (org, explanation) = try Session.open(self.global).inOrg(self.scopeOrg.org) { org, session in
                (org, try KPIExplainer(session: session).explain(request))
            }
            if self.json {
                try Output.json(explanation)
            } else {
                print(ExplainText(explanation: explanation, human: HumanValue(currency: org.currency)).render(), terminator: "")
            }
        }
    }
}
