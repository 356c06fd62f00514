import ArgumentParser
import Foundation
import SalesOps

/// `salesctl kpi metrics [--json|--csv]`: the KPI catalogue, from the declarations the engine,
/// the reader and explain use (no database needed).
struct KPIMetrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "List every metric of the KPI catalogue: family, aggregation, unit, scopes and periods, breakdowns, definition.")

    @OptionGroup var output: OutputOptions

    /// One metric as listed: a name once, with the view it is read from and its breakdowns.
    struct Listed: Encodable {
        var metric: String
        var family: String
        var aggregation: String
        var unit: String
        /// `metric_values`, `stage_metrics` (per pipeline stage) or `breakdowns` (only by dimension).
        var view: String
        var scopes: [String]
        var periodKinds: [String]
        var lowerIsBetter: Bool
        /// The dimensions `kpi.breakdowns` keeps the metric by.
        var breakdowns: [String]
        var definition: String
    }

    func run() throws {
        try reportingErrors {
            try Output.print(Self.rendering(Self.listed(MetricCatalogue.standard)), as: self.output.format)
        }
    }

    static let periodOrder = ["day", "week", "month", "quarter", "year"]
    static let scopeOrder = ["org", "team", "rep"]

    /// The catalogue's metrics in the order `kpi show` lists them, then stage metrics, then
    /// metrics kept only as breakdowns.
    static func listed(_ catalogue: MetricCatalogue) -> [Listed] {
        let breakdowns = catalogue.breakdownSpecs
        func dimensions(of metric: String) -> [String] {
            Set(breakdowns.filter { $0.metric == metric }.flatMap(\.dimensionNames)).sorted()
        }
        func listed(_ spec: MetricSpec, view: String) -> Listed {
            Listed(metric: spec.metric, family: spec.familyName, aggregation: spec.aggregation.rawValue, unit: spec.unit.rawValue,
                   view: view, scopes: Self.scopeOrder.filter(spec.scopes.contains),
                   periodKinds: Self.periodOrder.filter(spec.periodKinds.contains), lowerIsBetter: spec.lowerIsBetter,
                   breakdowns: dimensions(of: spec.metric), definition: spec.definition)
        }
        var rows = catalogue.materializedMetrics.compactMap { catalogue.spec($0) }.map { listed($0, view: "metric_values") }
        rows += catalogue.stageSpecs.map { listed($0, view: "stage_metrics") }
        var seen = Set(rows.map(\.metric))
        for spec in breakdowns where seen.insert(spec.metric).inserted {
            rows.append(listed(spec, view: "breakdowns"))
        }
        return rows
    }

    static func rendering(_ rows: [Listed]) -> Rendering {
        let header = ["METRIC", "FAMILY", "AGGREGATION", "UNIT", "VIEW", "SCOPES", "PERIODS", "LOWER IS BETTER", "BREAKDOWNS", "DEFINITION"]
        func cells(_ lowerIsBetter: (Bool) -> String) -> [[String?]] {
            rows.map { row in
                [row.metric, row.family, row.aggregation, row.unit, row.view, row.scopes.joined(separator: " "),
                 row.periodKinds.joined(separator: " "), lowerIsBetter(row.lowerIsBetter), row.breakdowns.joined(separator: " "),
                 row.definition]
            }
        }
        let title = "\(rows.count) metrics (kpi show reads those of metric_values; kpi explain explains each)\n"
        return Rendering(table: title + Output.renderTable(header, cells(HumanValue.yesNo)), header: header,
                         rows: cells { "\($0)" }, json: ["metrics": rows])
    }
}
