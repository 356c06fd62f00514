import Foundation
import PostgresClient

/// Spend and the metrics derived from it (org scope; months, quarters, years).
extension MetricSpecs {
    static let spendMetrics: [MetricSpec] = [
        MetricSpec(metric: "marketing_spend", family: "spend", aggregation: .sum, unit: .money, definition: "marketing spend of the months starting in ps … e",
                   scopes: ["org"], periodKinds: customerMonths,
                   sides: [Sides.spend("spend", "marketing spend rows", categories: ["marketing"])],
                   compute: MetricSpec.total("spend")),
        MetricSpec(metric: "sales_spend", family: "spend", aggregation: .sum, unit: .money, definition: "sales spend of the months starting in ps … e",
                   scopes: ["org"], periodKinds: customerMonths,
                   sides: [Sides.spend("spend", "sales spend rows", categories: ["sales"])],
                   compute: MetricSpec.total("spend")),
        MetricSpec(metric: "customer_acquisition_cost", family: "derived", aggregation: .ratio, unit: .money, lowerIsBetter: true, definition: "(marketing_spend + sales_spend) / new_customers",
                   scopes: ["org"], periodKinds: customerMonths,
                   sides: [Sides.spend("numerator", "marketing and sales spend rows", categories: ["marketing", "sales"]),
                           newCustomers("denominator")],
                   inputs: ["marketing_spend", "sales_spend", "new_customers"].map { InputDefinition(metric: $0) },
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "cost_per_lead", family: "derived", aggregation: .ratio, unit: .money, lowerIsBetter: true, definition: "marketing_spend / new_leads",
                   scopes: ["org"], periodKinds: customerMonths,
                   sides: [Sides.spend("numerator", "marketing spend rows", categories: ["marketing"]), newLeads("denominator")],
                   inputs: ["marketing_spend", "new_leads"].map { InputDefinition(metric: $0) },
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "romi", family: "derived", aggregation: .ratio, unit: .percent, definition: "100 × (revenue − marketing_spend) / marketing_spend",
                   scopes: ["org"], periodKinds: customerMonths,
                   sides: [Sides.won("revenue", weight: "d.amount"),
                           Sides.spend("denominator", "marketing spend rows", categories: ["marketing"])],
                   inputs: ["revenue", "marketing_spend"].map { InputDefinition(metric: $0) }) { t in
            let gain = t["revenue"] - t["denominator"]
            return StoredNumber(value: divide(100 * gain, t["denominator"]), numerator: gain, denominator: t["denominator"])
        },
        MetricSpec(metric: "clv_to_cac", family: "derived", aggregation: .derived, unit: .ratio, definition: "customer_lifetime_value / customer_acquisition_cost",
                   scopes: ["org"], periodKinds: customerMonths, sides: [],
                   inputs: ["customer_lifetime_value", "customer_acquisition_cost"].map { InputDefinition(metric: $0) }) { t in
            StoredNumber(value: divide(t.input("customer_lifetime_value"), t.input("customer_acquisition_cost")), numerator: nil,
                         denominator: nil)
        },
    ]
}
