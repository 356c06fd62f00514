import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl kpi show --org SLUG --period P --scope S [--metric NAME...] [--json|--csv]`
struct KPIShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the materialized metrics of a period and scope, with targets, attainment and pace.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scopeOrg: OrgOption

    @OptionGroup var read: KPIReadOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Only these metrics.")
    var metric: [String] = []

    @OptionGroup var output: OutputOptions

    @Flag(help: "Also list metrics without a value.")
    var all = false

    private struct Shown: Encodable {
        var org: String
        var scope: String
        var period: ShownPeriod
        var metrics: [MetricReading]
    }

    func run() throws {
        try reportingErrors {
            let (org, period, readings) = try Session.open(self.global).inOrg(self.scopeOrg.org) { org, session in
                let (period, readings) = try KPIReader(session: session).read(period: self.read.period.label, scope: self.read.scope.scope,
                                                                               metrics: self.metric)
                return (org, period, readings)
            }
            let scopeLabel = self.read.scope.scope.label
            let shown = self.all || !self.metric.isEmpty ? readings : readings.filter { $0.value != nil || $0.target != nil }
            try Output.print(Self.rendering(Shown(org: self.scopeOrg.org, scope: scopeLabel, period: period, metrics: shown),
                                            human: HumanValue(currency: org.currency)),
                             as: self.output.format)
        }
    }

    /// The readings as a titled table (rounded by unit), JSON, or CSV (every digit).
    private static func rendering(_ shown: Shown, human: HumanValue) -> Rendering {
        let header = ["METRIC", "VALUE", "NUMERATOR", "DENOMINATOR", "TARGET", "ATTAINMENT %", "PACE %"]
        let rounded = shown.metrics.map { reading -> [String?] in
            let unit = MetricCatalogue.standard.unit(of: reading.metric)
            return [reading.metric, human.value(reading.value, unit: unit), HumanValue.quantity(reading.numerator),
                    HumanValue.quantity(reading.denominator), human.value(reading.target, unit: unit),
                    HumanValue.percent(reading.attainmentPct), HumanValue.percent(reading.pacePct)]
        }
        let exact = shown.metrics.map { reading -> [String?] in
            [reading.metric, Self.exact(reading.value), Self.exact(reading.numerator), Self.exact(reading.denominator),
             Self.exact(reading.target), Self.exact(reading.attainmentPct), Self.exact(reading.pacePct)]
        }
        let period = shown.period
        let title = "\(shown.org) \(shown.scope) \(period.kind) \(period.label) (\(period.start)..\(period.end), as of \(period.asOf))\n"
        return Rendering(table: title + Output.renderTable(header, rounded), header: header, rows: exact, json: shown)
    }

    /// Every digit for programs.
    static func exact(_ value: Decimal?) -> String {
        value.map { "\($0)" } ?? ""
    }
}
