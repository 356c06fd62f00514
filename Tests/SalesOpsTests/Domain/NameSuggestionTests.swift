import SalesOps
import Testing

@Suite("Unknown names suggest the nearest known ones")
struct NameSuggestionTests {
    static let metrics = MetricCatalogue.standard.materializedMetrics

    @Test("a typo, an abbreviation and a part of a name find the metric meant", arguments: [
        ("revenu", "revenue"), ("Revenue", "revenue"), ("win_rat", "win_rate"), ("avg_deal_size", "average_deal_size"),
        ("deal_size", "average_deal_size"), ("sales_cycle", "sales_cycle_days"), ("churnrate", "churn_rate"),
    ])
    func nearest(typed: String, meant: String) {
        let suggestions = NameSuggestion.nearest(to: typed, among: Self.metrics)
        #expect(suggestions.first == meant, "\(typed): \(suggestions)")
        #expect(suggestions.count <= 3)
    }

    @Test("a name near nothing suggests nothing; an exact name is not suggested to itself")
    func nothingNear() {
        #expect(NameSuggestion.nearest(to: "quux", among: Self.metrics).isEmpty)
        #expect(NameSuggestion.nearest(to: "", among: Self.metrics).isEmpty)
        #expect(NameSuggestion.nearest(to: "revenue", among: ["revenue"]).isEmpty)
    }

    @Test("the message says what, why, what was meant and where to look")
    func message() {
        let error = MetricCatalogue.standard.unknownMetric("revenu")
        #expect(error.message(lookIn: "'salesctl kpi metrics' lists them")
                == "metric 'revenu' is not in the KPI catalogue; did you mean 'revenue'? ('salesctl kpi metrics' lists them)")
        #expect(FailureClass.of(error) == .invalidInput)
        #expect(NameSuggestion.nearest(to: String(repeating: "x", count: 100_000), among: Self.metrics).isEmpty)
    }
}
