import Foundation
import PostgresClient

/// Breakdowns: one key of a dimension.
extension ExplainCatalogue {
    static let dealDimensions = ["region": "the account's region", "source": "the account's source", "product": "the deal's product",
                                 "deal_type": "the deal's type"]

    /// Breakdowns (`kpi.breakdowns`), one key of a dimension.
    static let breakdowns: [ExplainDefinition] = [
        ExplainDefinition(metric: "revenue", definition: "sum of amount of won deals closed in P with the key",
                          target: .breakdowns, dimensions: dealDimensions,
                          sides: [Sides.won("revenue", weight: "d.amount")], compute: ExplainDefinition.total("revenue")),
        ExplainDefinition(metric: "deals_won", definition: "won deals closed in P with the key",
                          target: .breakdowns, dimensions: dealDimensions,
                          sides: [Sides.won("won")], compute: ExplainDefinition.total("won")),
        ExplainDefinition(metric: "new_leads", definition: "leads created in P with the source",
                          target: .breakdowns, dimensions: ["lead_source": "the lead's source"],
                          sides: [newLeads("new")], compute: ExplainDefinition.total("new")),
        ExplainDefinition(metric: "leads", definition: "leads created by e in the lifecycle stage they had reached by e",
                          target: .breakdowns, dimensions: ["lifecycle_stage": "the furthest of disqualified, customer, sql, mql, lead"],
                          sides: [Sides.leads("leads", "leads created by e in the stage") { c in
                              "\(c.day("l.created_at")) <= \(c.stop)::date"
                          }], compute: ExplainDefinition.total("leads")),
    ]
}
