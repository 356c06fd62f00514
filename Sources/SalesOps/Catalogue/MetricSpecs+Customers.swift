import Foundation
import PostgresClient

/// Customer metrics: accounts by first win, churn and customer snapshots; lifetime value.
extension MetricSpecs {
    static func newCustomers(_ name: String) -> SideDefinition {
        Sides.accounts(name, "accounts whose first won deal closed in P") { c in
            "first_won_day BETWEEN \(c.start)::date AND \(c.stop)::date"
        }
    }

    static func customersAtStart(_ name: String) -> SideDefinition {
        Sides.accounts(name, "customers at the end of ps − 1") { c in RecordSources.customer(at: "\(c.start.adding(days: -1))::date") }
    }

    static func customersAtStop(_ name: String) -> SideDefinition {
        Sides.accounts(name, "customers at the end of e") { c in RecordSources.customer(at: "\(c.stop)::date") }
    }

    static func windowStart(_ c: ExplainContext) -> LocalDate { c.stop.adding(days: -364) }

    static let customerMetrics: [MetricSpec] = [
        MetricSpec(metric: "new_customers", family: "customers", aggregation: .count, unit: .count, overviewCard: 8, definition: "accounts whose first won deal closed in P",
                   sides: [newCustomers("new")], compute: MetricSpec.total("new")),
        MetricSpec(metric: "referral_customers", family: "customers", aggregation: .count, unit: .count, definition: "new customers with referred_by set",
                   sides: [Sides.accounts("referrals", "new customers in P with referred_by") { c in
                       "first_won_day BETWEEN \(c.start)::date AND \(c.stop)::date AND referred_by IS NOT NULL"
                   }], compute: MetricSpec.total("referrals")),
        MetricSpec(metric: "churned_customers", family: "customers", aggregation: .count, unit: .count,
                   definition: "accounts whose churned_at is in P and whose first won deal closed on or before that date",
                   sides: [Sides.accounts("churned", "accounts churned in P after their first win") { c in
                       "churn_day BETWEEN \(c.start)::date AND \(c.stop)::date AND first_won_day <= churn_day"
                   }], compute: MetricSpec.total("churned")),
        MetricSpec(metric: "customers_start", family: "customers", aggregation: .snapshot, unit: .count, definition: "customers at the end of ps − 1",
                   sides: [customersAtStart("customers")], compute: MetricSpec.total("customers")),
        MetricSpec(metric: "customers_end", family: "customers", aggregation: .snapshot, unit: .count, definition: "customers at the end of e",
                   sides: [customersAtStop("customers")], compute: MetricSpec.total("customers")),
        MetricSpec(metric: "churn_rate", family: "customers", aggregation: .ratio, unit: .percent, lowerIsBetter: true, definition: "100 × customers at ps − 1 that churned in P / customers_start",
                   sides: [Sides.accounts("numerator", "customers at ps − 1 that churned in P") { c in
                               "\(RecordSources.customer(at: "\(c.start.adding(days: -1))::date")) AND churn_day BETWEEN \(c.start)::date AND \(c.stop)::date"
                           },
                           customersAtStart("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "retention_rate", family: "customers", aggregation: .ratio, unit: .percent, definition: "100 × (customers_end − new_customers) / customers_start",
                   sides: [customersAtStop("customers_end"), newCustomers("new_customers"), customersAtStart("denominator")]) { t in
            let kept = t["customers_end"] - t["new_customers"]
            return StoredNumber(value: divide(100 * kept, t["denominator"]), numerator: kept, denominator: t["denominator"])
        },
        MetricSpec(metric: "repeat_customer_rate", family: "customers", aggregation: .ratio, unit: .percent,
                   definition: "100 × accounts with ≥ 2 won deals closed by e / accounts with ≥ 1",
                   sides: [Sides.accounts("numerator", "accounts with two or more won deals closed by e") { _ in "won_by_stop >= 2" },
                           Sides.accounts("denominator", "accounts with a won deal closed by e") { _ in "won_by_stop >= 1" }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "average_revenue_per_account", family: "customers", aggregation: .average, unit: .money,
                   definition: "revenue / distinct accounts of the won deals closed in P (attributed like the deals)",
                   sides: [Sides.won("numerator", weight: "d.amount"),
                           Sides.accounts("denominator", "accounts of the scope's won deals closed in P", byOwner: false,
                                          inner: { c in wonDealOfAccount(c, from: c.start, to: c.stop) }) { _ in "true" }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "customer_lifetime_value", family: "customers", aggregation: .derived, unit: .money,
                   definition: "over W, the 365 days ending at e: revenue(W) / accounts won in W × lifespan (min(10, 1 / churn_W) years, 10 when churn_W is 0)",
                   periodKinds: customerMonths,
                   sides: [
                       Sides.deals("revenue_w", "won deals closed in W (365 days to e)", weight: "d.amount") { c in
                           RecordSources.wonDealsClosed(c, from: windowStart(c), to: c.stop)
                       },
                       Sides.deals("deals_won_w", "won deals closed in W") { c in
                           RecordSources.wonDealsClosed(c, from: windowStart(c), to: c.stop)
                       },
                       Sides.accounts("accounts_w", "accounts of the scope's won deals closed in W", byOwner: false,
                                      inner: { c in wonDealOfAccount(c, from: windowStart(c), to: c.stop) }) { _ in "true" },
                       Sides.accounts("customers_before_w", "customers at the end of e − 365") { c in
                           RecordSources.customer(at: "\(c.stop.adding(days: -365))::date")
                       },
                       Sides.accounts("churned_in_w", "customers at the end of e − 365 that churned in W") { c in
                           "\(RecordSources.customer(at: "\(c.stop.adding(days: -365))::date")) AND churn_day BETWEEN \(windowStart(c))::date AND \(c.stop)::date"
                       },
                   ]) { t in
            guard t["deals_won_w"] != 0 else { return StoredNumber(value: nil, numerator: nil, denominator: nil) }
            let before = t["customers_before_w"], churned = t["churned_in_w"]
            let lifespan: Decimal = churned == 0 || before == 0 ? 10 : min(10, before / churned)
            return StoredNumber(value: divide(t["revenue_w"], t["accounts_w"]).map { $0 * lifespan }, numerator: nil, denominator: nil)
        },
    ]

    /// Whether the account (`a`) has a won deal closed in [from, to] owned in the scope.
    static func wonDealOfAccount(_ c: ExplainContext, from: LocalDate, to: LocalDate) -> Query {
        """
        EXISTS (SELECT 1 FROM salesops.deals d JOIN salesops.stages g ON g.org_id = d.org_id AND g.id = d.stage_id
                WHERE d.org_id = a.org_id AND d.account_id = a.id AND \(c.attributed("d.owner_rep_id"))
                  AND \(RecordSources.wonDealsClosed(c, from: from, to: to)))
        """
    }
}
