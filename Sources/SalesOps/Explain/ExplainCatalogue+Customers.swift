import Foundation
import PostgresClient

extension ExplainCatalogue {
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

    static let customerMetrics: [ExplainDefinition] = [
        ExplainDefinition(metric: "new_customers", definition: "accounts whose first won deal closed in P",
                          sides: [newCustomers("new")], compute: ExplainDefinition.total("new")),
        ExplainDefinition(metric: "referral_customers", definition: "new customers with referred_by set",
                          sides: [Sides.accounts("referrals", "new customers in P with referred_by") { c in
                              "first_won_day BETWEEN \(c.start)::date AND \(c.stop)::date AND referred_by IS NOT NULL"
                          }], compute: ExplainDefinition.total("referrals")),
        ExplainDefinition(metric: "churned_customers",
                          definition: "accounts whose churned_at is in P and whose first won deal closed on or before that date",
                          sides: [Sides.accounts("churned", "accounts churned in P after their first win") { c in
                              "churn_day BETWEEN \(c.start)::date AND \(c.stop)::date AND first_won_day <= churn_day"
                          }], compute: ExplainDefinition.total("churned")),
        ExplainDefinition(metric: "customers_start", definition: "customers at the end of ps − 1",
                          sides: [customersAtStart("customers")], compute: ExplainDefinition.total("customers")),
        ExplainDefinition(metric: "customers_end", definition: "customers at the end of e",
                          sides: [customersAtStop("customers")], compute: ExplainDefinition.total("customers")),
        ExplainDefinition(metric: "churn_rate", definition: "100 × customers at ps − 1 that churned in P / customers_start",
                          sides: [Sides.accounts("numerator", "customers at ps − 1 that churned in P") { c in
                                      "\(RecordSources.customer(at: "\(c.start.adding(days: -1))::date")) AND churn_day BETWEEN \(c.start)::date AND \(c.stop)::date"
                                  },
                                  customersAtStart("denominator")],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "retention_rate", definition: "100 × (customers_end − new_customers) / customers_start",
                          sides: [customersAtStop("customers_end"), newCustomers("new_customers"), customersAtStart("denominator")]) { t in
            let kept = t["customers_end"] - t["new_customers"]
            return StoredNumber(value: divide(100 * kept, t["denominator"]), numerator: kept, denominator: t["denominator"])
        },
        ExplainDefinition(metric: "repeat_customer_rate",
                          definition: "100 × accounts with ≥ 2 won deals closed by e / accounts with ≥ 1",
                          sides: [Sides.accounts("numerator", "accounts with two or more won deals closed by e") { _ in "won_by_stop >= 2" },
                                  Sides.accounts("denominator", "accounts with a won deal closed by e") { _ in "won_by_stop >= 1" }],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "average_revenue_per_account",
                          definition: "revenue / distinct accounts of the won deals closed in P (attributed like the deals)",
                          sides: [Sides.won("numerator", weight: "d.amount"),
                                  Sides.accounts("denominator", "accounts of the scope's won deals closed in P", byOwner: false,
                                                 inner: { c in wonDealOfAccount(c, from: c.start, to: c.stop) }) { _ in "true" }],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "customer_lifetime_value",
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

    static let spendMetrics: [ExplainDefinition] = [
        ExplainDefinition(metric: "marketing_spend", definition: "marketing spend of the months starting in ps … e",
                          scopes: ["org"], periodKinds: customerMonths,
                          sides: [Sides.spend("spend", "marketing spend rows", categories: ["marketing"])],
                          compute: ExplainDefinition.total("spend")),
        ExplainDefinition(metric: "sales_spend", definition: "sales spend of the months starting in ps … e",
                          scopes: ["org"], periodKinds: customerMonths,
                          sides: [Sides.spend("spend", "sales spend rows", categories: ["sales"])],
                          compute: ExplainDefinition.total("spend")),
        ExplainDefinition(metric: "customer_acquisition_cost", definition: "(marketing_spend + sales_spend) / new_customers",
                          scopes: ["org"], periodKinds: customerMonths,
                          sides: [Sides.spend("numerator", "marketing and sales spend rows", categories: ["marketing", "sales"]),
                                  newCustomers("denominator")],
                          inputs: ["marketing_spend", "sales_spend", "new_customers"].map { InputDefinition(metric: $0) },
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "cost_per_lead", definition: "marketing_spend / new_leads",
                          scopes: ["org"], periodKinds: customerMonths,
                          sides: [Sides.spend("numerator", "marketing spend rows", categories: ["marketing"]), newLeads("denominator")],
                          inputs: ["marketing_spend", "new_leads"].map { InputDefinition(metric: $0) },
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "romi", definition: "100 × (revenue − marketing_spend) / marketing_spend",
                          scopes: ["org"], periodKinds: customerMonths,
                          sides: [Sides.won("revenue", weight: "d.amount"),
                                  Sides.spend("denominator", "marketing spend rows", categories: ["marketing"])],
                          inputs: ["revenue", "marketing_spend"].map { InputDefinition(metric: $0) }) { t in
            let gain = t["revenue"] - t["denominator"]
            return StoredNumber(value: divide(100 * gain, t["denominator"]), numerator: gain, denominator: t["denominator"])
        },
        ExplainDefinition(metric: "clv_to_cac", definition: "customer_lifetime_value / customer_acquisition_cost",
                          scopes: ["org"], periodKinds: customerMonths, sides: [],
                          inputs: ["customer_lifetime_value", "customer_acquisition_cost"].map { InputDefinition(metric: $0) }) { t in
            StoredNumber(value: divide(t.input("customer_lifetime_value"), t.input("customer_acquisition_cost")), numerator: nil,
                         denominator: nil)
        },
    ]

    static let surveyMetrics: [ExplainDefinition] = [
        ExplainDefinition(metric: "nps", definition: "100 × (promoters (9–10) − detractors (0–6)) / nps responses in P",
                          sides: [Sides.responses("numerator", "promoters (+1) and detractors (−1)", kind: "nps",
                                                  where: "v.score >= 9 OR v.score <= 6",
                                                  weight: "CASE WHEN v.score >= 9 THEN 1 ELSE -1 END"),
                                  Sides.responses("denominator", "nps responses in P", kind: "nps")],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "enps", definition: "100 × (promoters (9–10) − detractors (0–6)) / enps responses in P",
                          scopes: teamScopes,
                          sides: [Sides.responses("numerator", "promoters (+1) and detractors (−1)", kind: "enps",
                                                  where: "v.score >= 9 OR v.score <= 6",
                                                  weight: "CASE WHEN v.score >= 9 THEN 1 ELSE -1 END"),
                                  Sides.responses("denominator", "enps responses in P", kind: "enps")],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "csat", definition: "100 × csat responses scoring ≥ 4 / csat responses in P",
                          sides: [Sides.responses("numerator", "csat responses scoring 4 or 5", kind: "csat", where: "v.score >= 4"),
                                  Sides.responses("denominator", "csat responses in P", kind: "csat")],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
    ]

    static func activeAtStart(_ c: ExplainContext) -> Query { RecordSources.active(on: "\(c.start.adding(days: -1))::date") }
    static func activeAtStop(_ c: ExplainContext) -> Query { RecordSources.active(on: "\(c.stop)::date") }
    static func leftInPeriod(_ c: ExplainContext) -> Query { "left_on BETWEEN \(c.start)::date AND \(c.stop)::date" }
    static func rampedInPeriod(_ c: ExplainContext) -> Query { "first_activity_day BETWEEN \(c.start)::date AND \(c.stop)::date" }

    static let teamMetrics: [ExplainDefinition] = [
        ExplainDefinition(metric: "headcount_start", definition: "reps active on ps − 1", scopes: teamScopes,
                          sides: [Sides.reps("reps", "reps active on ps − 1", activeAtStart)], compute: ExplainDefinition.total("reps")),
        ExplainDefinition(metric: "headcount_end", definition: "reps active on e", scopes: teamScopes,
                          sides: [Sides.reps("reps", "reps active on e", activeAtStop)], compute: ExplainDefinition.total("reps")),
        ExplainDefinition(metric: "reps_left", definition: "reps whose left_on is in P", scopes: teamScopes,
                          sides: [Sides.reps("reps", "reps who left in P", leftInPeriod)], compute: ExplainDefinition.total("reps")),
        ExplainDefinition(metric: "rep_turnover_rate", definition: "100 × reps active on ps − 1 who left in P / headcount_start",
                          scopes: teamScopes,
                          sides: [Sides.reps("numerator", "reps active on ps − 1 who left in P") { c in
                                      "\(activeAtStart(c)) AND \(leftInPeriod(c))"
                                  },
                                  Sides.reps("denominator", "reps active on ps − 1", activeAtStart)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "rep_retention_rate", definition: "100 × reps active on ps − 1 and on e / headcount_start",
                          scopes: teamScopes,
                          sides: [Sides.reps("numerator", "reps active on ps − 1 and on e") { c in
                                      "\(activeAtStart(c)) AND \(activeAtStop(c))"
                                  },
                                  Sides.reps("denominator", "reps active on ps − 1", activeAtStart)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
        ExplainDefinition(metric: "average_tenure_days", definition: "over reps active on e, average of (e − hired_on) in days",
                          scopes: teamScopes,
                          sides: [Sides.reps("numerator", "days from hire to e of reps active on e",
                                             weight: { c in "\(c.stop)::date - hired_on" }, sum: true, activeAtStop),
                                  Sides.reps("denominator", "reps active on e", activeAtStop)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "ramp_up_days",
                          definition: "over reps whose first activity falls in P, average of (that day − hired_on) in days",
                          scopes: teamScopes,
                          sides: [Sides.reps("numerator", "days from hire to first activity", weight: { _ in "first_activity_day - hired_on" },
                                             sum: true, rampedInPeriod),
                                  Sides.reps("denominator", "reps whose first activity is in P", rampedInPeriod)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "reps_at_quota_rate",
                          definition: "100 × reps with a revenue target for this period at ≥ 100 % attainment / reps with such a target",
                          scopes: teamScopes,
                          sides: [Sides.repTargets("numerator", "reps at or above their revenue target", where: "attainment_pct >= 100"),
                                  Sides.repTargets("denominator", "reps with a revenue target for this period", where: "true")],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
    ]

    /// Stage metrics (`kpi.stage_metrics`), org scope, of one stage.
    static let stageMetrics: [ExplainDefinition] = [
        ExplainDefinition(metric: "stage_entries", definition: "stage changes into the stage with local_date(changed_at) in P",
                          target: .stages, scopes: ["org"],
                          sides: [Sides.stays("entries", "changes into the stage in P") { c in
                              "entered_day BETWEEN \(c.start)::date AND \(c.stop)::date"
                          }], compute: ExplainDefinition.total("entries")),
        ExplainDefinition(metric: "stage_avg_days", definition: "over stays in the stage that ended in P, average length in days",
                          target: .stages, scopes: ["org"],
                          sides: [Sides.stays("numerator", "days of the stays that ended in P", weight: "days", stayEnded),
                                  Sides.stays("denominator", "stays that ended in P", stayEnded)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: false)),
        ExplainDefinition(metric: "stage_conversion_rate",
                          definition: "100 × stays ended in P whose next stage is won or a later open stage / stays ended in P",
                          target: .stages, scopes: ["org"],
                          sides: [Sides.stays("numerator", "stays ended in P that advanced") { c in "\(stayEnded(c)) AND advanced" },
                                  Sides.stays("denominator", "stays that ended in P", stayEnded)],
                          compute: ExplainDefinition.ratio("numerator", "denominator", percent: true)),
    ]

    @Sendable static func stayEnded(_ c: ExplainContext) -> Query { "left_day BETWEEN \(c.start)::date AND \(c.stop)::date" }

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
