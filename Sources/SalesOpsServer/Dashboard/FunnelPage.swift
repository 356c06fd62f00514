import Foundation
import PostgresClient
import SalesOps

/// The stage funnel of the period (org scope): entries per stage in pipeline order, with
/// conversion and days in stage.
struct FunnelPage: Sendable {
    var frame: DashboardFrame
    var stages: [StageReading]
    /// Each pipeline's stage names in position order.
    var stageOrder: [String: [String]]

    static func load(_ session: TenantSession, frame: DashboardFrame) throws -> FunnelPage {
        FunnelPage(frame: frame, stages: try KPIReader(session: session).stageMetrics(period: frame.period),
                   stageOrder: Dictionary(grouping: try PipelineRepository(session: session).list().flatMap(\.stages), by: \.pipeline)
                       .mapValues { $0.sorted { $0.position < $1.position }.map(\.name) })
    }

    func render() -> HTML {
        let format = self.frame.format, label = self.frame.label
        let byStage = Dictionary(grouping: self.stages) { "\($0.pipeline)/\($0.stage)" }
        var html: [HTML] = ["<p class=\"muted\">Stage metrics cover the whole org.</p>"]
        if self.stages.isEmpty { html.append("<p class=\"muted\">No stage movements in this period.</p>") }
        for (index, pipeline) in Set(self.stages.map(\.pipeline)).sorted().enumerated() {
            let present = (self.stageOrder[pipeline] ?? []).filter { byStage["\(pipeline)/\($0)"] != nil }
            func value(_ stage: String, _ metric: String) -> Decimal? {
                byStage["\(pipeline)/\(stage)"]?.first { $0.metric == metric }?.value
            }
            let bars = present.map { stage in
                SVGChart.Bar(label: stage, value: value(stage, "stage_entries") ?? 0,
                             text: format.format(value(stage, "stage_entries") ?? 0, metric: "stage_entries"),
                             link: ExplainLink.to(metric: "stage_entries", period: label, scope: .org, stage: "\(pipeline)/\(stage)"))
            }
            let rows = present.map { stage -> HTML in
                let cell = { (metric: String) -> HTML in
                    "<td class=\"num\"><a href=\"\(ExplainLink.to(metric: metric, period: label, scope: .org, stage: "\(pipeline)/\(stage)"))\">\(format.format(value(stage, metric), metric: metric))</a></td>"
                }
                return "<tr><td>\(stage)</td>\(cell("stage_entries"))\(cell("stage_conversion_rate"))\(cell("stage_avg_days"))</tr>"
            }
            html.append("""
                <section><h2>\(pipeline)</h2>\(SVGChart.bars(id: "funnel-\(index)", title: "Stage entries of \(pipeline)", bars: bars))
                <table class="funnel"><thead><tr><th>Stage</th><th class="num">Entries</th><th class="num">Conversion</th><th class="num">Days in stage</th></tr></thead><tbody>\(rows)</tbody></table></section>
                """)
        }
        return self.frame.render(HTML(joining: html))
    }
}
