import Foundation
import PostgresClient
import SalesOps

/// Revenue by region, product, source and deal type, and leads by lifecycle stage.
struct BreakdownsPage: Sendable {
    var frame: DashboardFrame
    var breakdowns: [BreakdownReading]

    static func load(_ session: TenantSession, frame: DashboardFrame) throws -> BreakdownsPage {
        BreakdownsPage(frame: frame, breakdowns: try KPIReader(session: session).breakdowns(period: frame.period, scope: frame.scope,
                                                                                           dimension: nil))
    }

    static let charts: [(metric: String, dimension: String, title: String)] = [
        ("revenue", "region", "Revenue by region"), ("revenue", "product", "Revenue by product"),
        ("revenue", "source", "Revenue by source"), ("revenue", "deal_type", "Revenue by deal type"),
        ("leads", "lifecycle_stage", "Leads by lifecycle stage"),
    ]

    func render() -> HTML {
        let format = self.frame.format
        let sections = Self.charts.enumerated().map { index, chart -> HTML in
            let rows = self.breakdowns.filter { $0.metric == chart.metric && $0.dimension == chart.dimension }
            guard !rows.isEmpty else { return "<section><h2>\(chart.title)</h2><p class=\"muted\">Nothing in this period.</p></section>" }
            let bars = rows.sorted { $0.value > $1.value }.map { row in
                SVGChart.Bar(label: row.key, value: row.value,
                             text: format.format(row.value, metric: chart.metric == "leads" ? "new_leads" : chart.metric),
                             link: ExplainLink.to(metric: chart.metric, period: self.frame.label, scope: self.frame.scope,
                                                  dimension: chart.dimension, key: row.key))
            }
            return "<section class=\"breakdown\"><h2>\(chart.title)</h2>\(SVGChart.bars(id: "breakdown-\(index)", title: chart.title, bars: bars))</section>"
        }
        return self.frame.render("<div class=\"grid2\">\(sections)</div>")
    }
}
