import Foundation
import PostgresClient

/// Sales-team metrics (team and org scopes, reps by current team) and quotas.
extension MetricSpecs {
    static func activeAtStart(_ c: ExplainContext) -> Query { RecordSources.active(on: "\(c.start.adding(days: -1))::date") }
    static func activeAtStop(_ c: ExplainContext) -> Query { RecordSources.active(on: "\(c.stop)::date") }
    static func leftInPeriod(_ c: ExplainContext) -> Query { "left_on BETWEEN \(c.start)::date AND \(c.stop)::date" }
    static func rampedInPeriod(_ c: ExplainContext) -> Query { "first_activity_day BETWEEN \(c.start)::date AND \(c.stop)::date" }

    static let teamMetrics: [MetricSpec] = [
        MetricSpec(metric: "headcount_start", family: "sales_team", aggregation: .snapshot, unit: .count, definition: "reps active on ps − 1", scopes: teamScopes,
                   sides: [Sides.reps("reps", "reps active on ps − 1", activeAtStart)], compute: MetricSpec.total("reps")),
        MetricSpec(metric: "headcount_end", family: "sales_team", aggregation: .snapshot, unit: .count, definition: "reps active on e", scopes: teamScopes,
                   sides: [Sides.reps("reps", "reps active on e", activeAtStop)], compute: MetricSpec.total("reps")),
        MetricSpec(metric: "reps_left", family: "sales_team", aggregation: .count, unit: .count, definition: "reps whose left_on is in P", scopes: teamScopes,
                   sides: [Sides.reps("reps", "reps who left in P", leftInPeriod)], compute: MetricSpec.total("reps")),
        MetricSpec(metric: "rep_turnover_rate", family: "sales_team", aggregation: .ratio, unit: .percent, lowerIsBetter: true, definition: "100 × reps active on ps − 1 who left in P / headcount_start",
                   scopes: teamScopes,
                   sides: [Sides.reps("numerator", "reps active on ps − 1 who left in P") { c in
                               "\(activeAtStart(c)) AND \(leftInPeriod(c))"
                           },
                           Sides.reps("denominator", "reps active on ps − 1", activeAtStart)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "rep_retention_rate", family: "sales_team", aggregation: .ratio, unit: .percent, definition: "100 × reps active on ps − 1 and on e / headcount_start",
                   scopes: teamScopes,
                   sides: [Sides.reps("numerator", "reps active on ps − 1 and on e") { c in
                               "\(activeAtStart(c)) AND \(activeAtStop(c))"
                           },
                           Sides.reps("denominator", "reps active on ps − 1", activeAtStart)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "average_tenure_days", family: "sales_team", aggregation: .average, unit: .days, definition: "over reps active on e, average of (e − hired_on) in days",
                   scopes: teamScopes,
                   sides: [Sides.reps("numerator", "days from hire to e of reps active on e",
                                      weight: { c in "\(c.stop)::date - hired_on" }, sum: true, activeAtStop),
                           Sides.reps("denominator", "reps active on e", activeAtStop)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "ramp_up_days", family: "sales_team", aggregation: .average, unit: .days,
                   definition: "over reps whose first activity falls in P, average of (that day − hired_on) in days",
                   scopes: teamScopes,
                   sides: [Sides.reps("numerator", "days from hire to first activity", weight: { _ in "first_activity_day - hired_on" },
                                      sum: true, rampedInPeriod),
                           Sides.reps("denominator", "reps whose first activity is in P", rampedInPeriod)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "reps_at_quota_rate", family: "quotas", aggregation: .ratio, unit: .percent,
                   definition: "100 × reps with a revenue target for this period at ≥ 100 % attainment / reps with such a target",
                   scopes: teamScopes, periodKinds: targetPeriodKinds,
                   sides: [Sides.repTargets("numerator", "reps at or above their revenue target", where: "attainment_pct >= 100"),
                           Sides.repTargets("denominator", "reps with a revenue target for this period", where: "true")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
    ]
}
