import Foundation
import PostgresClient

/// Survey metrics: nps, enps and csat over the responses in P.
extension MetricSpecs {
    static let surveyMetrics: [MetricSpec] = [
        MetricSpec(metric: "nps", family: "surveys", aggregation: .ratio, unit: .percent, definition: "100 × (promoters (9–10) − detractors (0–6)) / nps responses in P",
                   sides: [Sides.responses("numerator", "promoters (+1) and detractors (−1)", kind: "nps",
                                           where: "v.score >= 9 OR v.score <= 6",
                                           weight: "CASE WHEN v.score >= 9 THEN 1 ELSE -1 END"),
                           Sides.responses("denominator", "nps responses in P", kind: "nps")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "enps", family: "surveys", aggregation: .ratio, unit: .percent, definition: "100 × (promoters (9–10) − detractors (0–6)) / enps responses in P",
                   scopes: teamScopes,
                   sides: [Sides.responses("numerator", "promoters (+1) and detractors (−1)", kind: "enps",
                                           where: "v.score >= 9 OR v.score <= 6",
                                           weight: "CASE WHEN v.score >= 9 THEN 1 ELSE -1 END"),
                           Sides.responses("denominator", "enps responses in P", kind: "enps")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
        MetricSpec(metric: "csat", family: "surveys", aggregation: .ratio, unit: .percent, definition: "100 × csat responses scoring ≥ 4 / csat responses in P",
                   sides: [Sides.responses("numerator", "csat responses scoring 4 or 5", kind: "csat", where: "v.score >= 4"),
                           Sides.responses("denominator", "csat responses in P", kind: "csat")],
                   compute: MetricSpec.ratio("numerator", "denominator", percent: true)),
    ]
}
