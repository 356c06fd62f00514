import Foundation
import PostgresClient

/// Stage metrics, org scope, of one stage.
extension MetricSpecs {
    /// Stage metrics (`kpi.stage_metrics`), org scope, of one stage.
    static let stageMetrics: [MetricSpec] = [
        MetricSpec(metric: "stage_entries", family: "stages", aggregation: .count, unit: .count, definition: "stage changes into the stage with local_date(changed_at) in P",
                   target: .stages, scopes: ["org"],
                   sides: [Sides.stays("entries", "changes into the stage in P") { c in
                       "entered_day BETWEEN \(c.start)::date AND \(c.stop)::date"
                   }], compute: MetricSpec.total("entries")),
        MetricSpec(metric: "stage_avg_days", family: "stages", aggregation: .average, unit: .days, lowerIsBetter: true, definition: "over stays in the stage that ended in P, average length in days",
                   target: .stages, scopes: ["org"],
                   sides: [Sides.stays("numerator", "days of the stays that ended in P", weight: "days", stayEnded),
                           Sides.stays("denominator", "stays that ended in P", stayEnded)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: false)),
        MetricSpec(metric: "stage_conversion_rate", family: "stages", aggregation: .ratio, unit: .percent,
                   definition: "100 × stays ended in P whose next stage is won or a later open stage / stays ended in P",
                   target: .stages, scopes: ["org"],
                   sides: [Sides.stays("numerator", "stays ended in P that advanced") { c in "\(stayEnded(c)) AND advanced" },
                           Sides.stays("denominator", "stays that ended in P", stayEnded)],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
    ]

    @Sendable static func stayEnded(_ c: ExplainContext) -> Query { "left_day BETWEEN \(c.start)::date AND \(c.stop)::date" }
}
