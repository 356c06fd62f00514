import Foundation
import PostgresClient

/// Every metric's explanation, written from SPEC §5.2 record by record (not from the engine's
/// statements): materialized metrics, stage metrics and breakdowns.
enum MetricSpecs {
    static let days: Query = "extract(epoch FROM d.closed_at - d.created_at) / 86400"
    static let customerMonths: Set<String> = ["month", "quarter", "year"]
    static let teamScopes: Set<String> = ["org", "team"]
    /// The period kinds a target can be set for (SPEC §4's labels; days have none).
    static let targetPeriodKinds: Set<String> = ["week", "month", "quarter", "year"]

    /// The metric definitions (`kpi.metric_fact_rows`).
    static let metrics: [MetricSpec] = dealMetrics + leadMetrics + activityMetrics + customerMetrics + spendMetrics
        + surveyMetrics + teamMetrics

    static let dealMetrics: [MetricSpec] = [
        MetricSpec(metric: "opportunities_created", family: "additive", aggregation: .count, unit: .count, definition: "deals with local_date(created_at) in P",
                   sides: [Sides.deals("created", "deals created in P") { c in c.inPeriod("d.created_at") }],
                   compute: MetricSpec.total("created")),
        MetricSpec(metric: "deals_won", family: "additive", aggregation: .count, unit: .count, overviewCard: 2, definition: "won deals with close date in P",
                   sides: [Sides.won("won")], compute: MetricSpec.total("won")),
        MetricSpec(metric: "deals_lost", family: "additive", aggregation: .count, unit: .count, definition: "lost deals with close date in P",
                   sides: [lost("lost")], compute: MetricSpec.total("lost")),
        MetricSpec(metric: "revenue", family: "additive", aggregation: .sum, unit: .money, overviewCard: 1, definition: "sum of amount of won deals closed in P",
                   sides: [Sides.won("revenue", weight: "d.amount")], compute: MetricSpec.total("revenue")),
        MetricSpec(metric: "win_rate", family: "additive", aggregation: .ratio, unit: .percent, overviewCard: 3, definition: "100 × deals_won / (deals_won + deals_lost)",
                   sides: [Sides.won("numerator"),
                           Sides.deals("denominator", "won and lost deals closed in P") { c in
                               "g.kind IN ('won', 'lost') AND \(c.inPeriod("d.closed_at"))"
                           }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "win_loss_ratio", family: "additive", aggregation: .ratio, unit: .ratio, definition: "deals_won / deals_lost",
                   sides: [Sides.won("numerator"), lost("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "average_deal_size", family: "additive", aggregation: .average, unit: .money, overviewCard: 4, definition: "revenue / deals_won",
                   sides: [Sides.won("numerator", weight: "d.amount"), Sides.won("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "average_contract_value", family: "additive", aggregation: .average, unit: .money,
                   definition: "average over won deals closed in P of amount × 12 / contract_months",
                   sides: [Sides.won("numerator", weight: "d.amount * 12 / d.contract_months"), Sides.won("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "sales_cycle_days", family: "additive", aggregation: .average, unit: .days, lowerIsBetter: true, overviewCard: 5,
                   definition: "average over won deals closed in P of (closed_at − created_at) in days",
                   sides: [Sides.won("numerator", weight: days), Sides.won("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "expansion_revenue", family: "additive", aggregation: .sum, unit: .money, definition: "revenue of won deals closed in P of type upsell or cross_sell",
                   sides: [Sides.won("expansion", weight: "d.amount", description: "upsell and cross-sell deals won in P",
                                     also: "d.type IN ('upsell', 'cross_sell')")],
                   compute: MetricSpec.total("expansion")),
        MetricSpec(metric: "expansion_revenue_share", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × expansion_revenue / revenue",
                   sides: [Sides.won("numerator", weight: "d.amount", description: "upsell and cross-sell deals won in P",
                                     also: "d.type IN ('upsell', 'cross_sell')"),
                           Sides.won("denominator", weight: "d.amount")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "revenue_growth_rate", family: "deal_history", aggregation: .ratio, unit: .percent,
                   definition: "100 × (revenue(P) − revenue(Q)) / revenue(Q); Q the previous period (to the same day when P is not complete)",
                   sides: [Sides.won("revenue_p", weight: "d.amount"),
                           Sides.deals("revenue_q", "won deals closed in Q", weight: "d.amount") { c in
                               let q = c.comparisonPeriod
                               return RecordSources.wonDealsClosed(c, from: q.start, to: q.stop)
                           }],
                   inputs: [InputDefinition(metric: "revenue"), InputDefinition(metric: "revenue", previousPeriod: true)]) { t in
            let current = t["revenue_p"], previous = t["revenue_q"]
            return StoredNumber(value: divide(100 * (current - previous), previous), numerator: current - previous, denominator: previous)
        },
        MetricSpec(metric: "open_opportunities", family: "pipeline_snapshots", aggregation: .snapshot, unit: .count, definition: "deals open at the end of e",
                   sides: [Sides.open("open", "deals created by e and not closed by e", weight: "1")],
                   compute: MetricSpec.total("open")),
        MetricSpec(metric: "open_pipeline_amount", family: "pipeline_snapshots", aggregation: .snapshot, unit: .money, overviewCard: 6, definition: "sum of amount of deals open at the end of e",
                   sides: [Sides.open("amount", "deals created by e and not closed by e", weight: "d.amount")],
                   compute: MetricSpec.total("amount")),
        MetricSpec(metric: "weighted_pipeline_amount", family: "pipeline_snapshots", aggregation: .snapshot, unit: .money,
                   definition: "over deals open at e, sum of amount × probability(stage at e) / 100",
                   sides: [Sides.open("weighted", "deals open at e, weighted by their stage's probability then",
                                      weight: "d.amount * held.probability / 100")],
                   compute: MetricSpec.total("weighted")),
        MetricSpec(metric: "pipeline_velocity", family: "derived", aggregation: .derived, unit: .money,
                   definition: "open_opportunities × win_rate / 100 × average_deal_size / sales_cycle_days",
                   sides: [],
                   inputs: ["open_opportunities", "win_rate", "average_deal_size", "sales_cycle_days"].map { InputDefinition(metric: $0) }) { t in
            guard let cycle = t.input("sales_cycle_days"), cycle != 0, let rate = t.input("win_rate"),
                  let size = t.input("average_deal_size") else { return StoredNumber(value: nil, numerator: nil, denominator: nil) }
            return StoredNumber(value: (t.input("open_opportunities") ?? 0) * rate / 100 * size / cycle, numerator: nil, denominator: nil)
        },
        MetricSpec(metric: "touches_per_won_deal", family: "deal_history", aggregation: .average, unit: .ratio,
                   definition: "activities linked to deals won in P, by the close, over those deals (attributed like the deals)",
                   sides: [Sides.activities("numerator", "activities of deals won in P occurring by their close",
                                            attribution: "d.owner_rep_id", duringPeriod: false) { c in
                               "g.kind = 'won' AND \(c.inPeriod("d.closed_at")) AND x.occurred_at <= d.closed_at"
                           },
                           Sides.won("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
    ]

    static func lost(_ name: String) -> SideDefinition {
        Sides.deals(name, "lost deals closed in P") { c in "g.kind = 'lost' AND \(c.inPeriod("d.closed_at"))" }
    }

    static func newLeads(_ name: String) -> SideDefinition {
        Sides.leads(name, "leads created in P") { c in c.inPeriod("l.created_at") }
    }

    static let leadMetrics: [MetricSpec] = [
        MetricSpec(metric: "new_leads", family: "additive", aggregation: .count, unit: .count, overviewCard: 7, definition: "leads created in P", sides: [newLeads("new")],
                   compute: MetricSpec.total("new")),
        MetricSpec(metric: "mqls", family: "additive", aggregation: .count, unit: .count, definition: "leads whose mql_at is in P",
                   sides: [Sides.leads("mqls", "leads qualified in P") { c in c.inPeriod("l.mql_at") }],
                   compute: MetricSpec.total("mqls")),
        MetricSpec(metric: "sqls", family: "additive", aggregation: .count, unit: .count, definition: "leads whose sql_at is in P",
                   sides: [Sides.leads("sqls", "leads accepted in P") { c in c.inPeriod("l.sql_at") }],
                   compute: MetricSpec.total("sqls")),
        MetricSpec(metric: "lead_conversions", family: "additive", aggregation: .count, unit: .count, definition: "leads whose converted_at is in P",
                   sides: [converted("conversions")], compute: MetricSpec.total("conversions")),
        MetricSpec(metric: "lead_conversion_rate", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × lead_conversions / new_leads",
                   sides: [converted("numerator"), newLeads("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "mql_to_customer_rate", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × leads converted in P that have mql_at / mqls",
                   sides: [Sides.leads("numerator", "leads converted in P with mql_at") { c in
                               "\(c.inPeriod("l.converted_at")) AND l.mql_at IS NOT NULL"
                           },
                           Sides.leads("denominator", "leads qualified in P") { c in c.inPeriod("l.mql_at") }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "sql_to_customer_rate", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × leads converted in P that have sql_at / sqls",
                   sides: [Sides.leads("numerator", "leads converted in P with sql_at") { c in
                               "\(c.inPeriod("l.converted_at")) AND l.sql_at IS NOT NULL"
                           },
                           Sides.leads("denominator", "leads accepted in P") { c in c.inPeriod("l.sql_at") }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "avg_response_minutes", family: "additive", aggregation: .average, unit: .minutes, lowerIsBetter: true,
                   definition: "over leads created in P with first_response_at, average of (first_response_at − created_at) in minutes",
                   sides: [Sides.leads("numerator", "minutes to first response of leads created in P",
                                       weight: "extract(epoch FROM l.first_response_at - l.created_at) / 60", responded),
                           Sides.leads("denominator", "leads created in P with a first response", responded)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "leads_followed_up_rate", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × leads created in P with first_response_at / new_leads",
                   sides: [Sides.leads("numerator", "leads created in P with a first response", responded),
                           newLeads("denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
    ]

    static func converted(_ name: String) -> SideDefinition {
        Sides.leads(name, "leads converted in P") { c in c.inPeriod("l.converted_at") }
    }

    @Sendable static func responded(_ c: ExplainContext) -> Query {
        "\(c.inPeriod("l.created_at")) AND l.first_response_at IS NOT NULL"
    }

    static func activitiesOf(kind: String?, _ name: String) -> SideDefinition {
        Sides.activities(name, kind.map { "activities of kind \($0) in P" } ?? "activities in P") { _ in
            guard let kind else { return "true" }
            return "x.kind = \(kind)"
        }
    }

    static let activityMetrics: [MetricSpec] = [
        MetricSpec(metric: "activities", family: "additive", aggregation: .count, unit: .count, definition: "activities in P", sides: [activitiesOf(kind: nil, "activities")],
                   compute: MetricSpec.total("activities")),
    ] + [("calls", "call"), ("emails", "email"), ("meetings", "meeting"), ("demos", "demo"), ("proposals_sent", "proposal")].map {
        MetricSpec(metric: $0.0, family: "additive", aggregation: .count, unit: .count, definition: "activities of kind \($0.1) in P", sides: [activitiesOf(kind: $0.1, $0.0)],
                   compute: MetricSpec.total($0.0))
    } + [
        MetricSpec(metric: "demo_to_close_rate", family: "additive", aggregation: .ratio, unit: .percent, definition: "100 × deals_won / demos",
                   sides: [Sides.won("numerator"), activitiesOf(kind: "demo", "denominator")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "prospects_contacted", family: "prospects", aggregation: .count, unit: .count,
                   definition: "distinct prospects (the activity's lead, else its account) with an activity in P",
                   sides: [Sides.prospects("prospects", "prospects with an activity in P", having: "true")],
                   compute: MetricSpec.total("prospects")),
        MetricSpec(metric: "positive_reply_rate", family: "prospects", aggregation: .ratio, unit: .percent, definition: "100 × prospects with a positive reply in P / prospects_contacted",
                   sides: [Sides.prospects("numerator", "prospects with a positive reply in P",
                                           having: "bool_or(x.outcome = 'positive_reply')"),
                           Sides.prospects("denominator", "prospects with an activity in P", having: "true")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "negative_reply_rate", family: "prospects", aggregation: .ratio, unit: .percent, definition: "100 × prospects with a negative reply in P / prospects_contacted",
                   sides: [Sides.prospects("numerator", "prospects with a negative reply in P",
                                           having: "bool_or(x.outcome = 'negative_reply')"),
                           Sides.prospects("denominator", "prospects with an activity in P", having: "true")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "meeting_acceptance_rate", family: "additive", aggregation: .ratio, unit: .percent,
                   definition: "100 × meetings in P accepted / activities in P with a positive or negative reply",
                   sides: [Sides.activities("numerator", "meetings in P with outcome accepted") { _ in
                               "x.kind = 'meeting' AND x.outcome = 'accepted'"
                           },
                           Sides.activities("denominator", "activities in P with a positive or negative reply") { _ in
                               "x.outcome IN ('positive_reply', 'negative_reply')"
                           }],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
    ]
}
