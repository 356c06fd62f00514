import Foundation
import PostgresClient

/// Breakdowns: one key of a dimension.
extension MetricSpecs {
    static let dealDimensions = ["region": "the account's region", "source": "the account's source", "product": "the deal's product",
                          "deal_type": "the deal's type"]

    /// Breakdowns (`kpi.breakdowns`), one key of a dimension.
    static let breakdowns: [MetricSpec] = [
        MetricSpec(metric: "revenue", family: "breakdowns", aggregation: .sum, unit: .money, definition: "sum of amount of won deals closed in P with the key",
                   target: .breakdowns, dimensions: dealDimensions,
                   sides: [Sides.won("revenue", weight: "d.amount")], compute: MetricSpec.total("revenue")),
        MetricSpec(metric: "deals_won", family: "breakdowns", aggregation: .count, unit: .count, definition: "won deals closed in P with the key",
                   target: .breakdowns, dimensions: dealDimensions,
                   sides: [Sides.won("won")], compute: MetricSpec.total("won")),
        MetricSpec(metric: "new_leads", family: "breakdowns", aggregation: .count, unit: .count, definition: "leads created in P with the source",
                   target: .breakdowns, dimensions: ["lead_source": "the lead's source"],
                   sides: [newLeads("new")], compute: MetricSpec.total("new")),
        MetricSpec(metric: "leads", family: "breakdowns", aggregation: .snapshot, unit: .count, definition: "leads created by e in the lifecycle stage they had reached by e",
                   target: .breakdowns, dimensions: ["lifecycle_stage": "the furthest of disqualified, customer, sql, mql, lead"],
                   sides: [Sides.leads("leads", "leads created by e in the stage") { c in
                       "\(c.day("l.created_at")) <= \(c.stop)::date"
                   }], compute: MetricSpec.total("leads")),
    ]
}
