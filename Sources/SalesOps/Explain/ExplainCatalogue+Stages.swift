import Foundation
import PostgresClient

/// Stage metrics, org scope, of one stage.
extension ExplainCatalogue {
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
}
