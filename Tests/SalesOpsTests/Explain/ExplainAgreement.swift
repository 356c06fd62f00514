import Foundation
import PostgresClient
@testable import SalesOps

/// Holds explain's record-level totals against every materialized fact of an org.
struct ExplainAgreement {
    let connection: Connection
    let org: Org

    /// One stored number explain disagreed with.
    struct Disagreement: CustomStringConvertible {
        var what: String
        var stored: StoredNumber
        var explained: StoredNumber
        var description: String {
            "\(self.what): stored \(Self.text(self.stored)), explained \(Self.text(self.explained))"
        }

        static func text(_ n: StoredNumber) -> String {
            [n.value, n.numerator, n.denominator].map { $0.map { "\($0)" } ?? "null" }.joined(separator: " / ")
        }
    }

    /// A stored row: what to ask explain, and the stored columns.
    struct StoredRow {
        var request: ExplainRequest
        var aggregation: String
        var stored: StoredNumber
    }

    /// Every stored row of the org, rep scopes limited to `reps` (all when nil).
    func storedRows(reps: Set<String>? = nil) throws -> [StoredRow] {
        try self.connection.withOrg(self.org.id) { connection in
            var rows: [StoredRow] = []
            let label = { (kind: String, start: LocalDate) in
                PeriodLabel.of(kind: kind, start: start, fiscalYearStartMonth: self.org.fiscalYearStartMonth)
            }
            func scope(_ kind: String, _ id: String?) -> TargetScope {
                switch kind { case "team": .team(id!) case "rep": .rep(id!) default: .org }
            }
            for row in try connection.query("""
                SELECT v.period_kind, v.period_start, v.scope_kind, v.scope_external_id, v.metric, v.value, v.numerator, v.denominator,
                       m.aggregation
                FROM kpi.metric_values v JOIN salesops.metrics m ON m.name = v.metric
                """).rows {
                let id: String? = try row.decode("scope_external_id")
                if let reps, try row.decode("scope_kind", as: String.self) == "rep", !reps.contains(id ?? "") { continue }
                rows.append(StoredRow(
                    request: ExplainRequest(period: label(try row.decode("period_kind"), try row.decode("period_start")),
                                            scope: scope(try row.decode("scope_kind"), id), metric: try row.decode("metric")),
                    aggregation: try row.decode("aggregation"),
                    stored: StoredNumber(value: try row.decode("value"), numerator: try row.decode("numerator"),
                                         denominator: try row.decode("denominator"))))
            }
            for row in try connection.query("SELECT * FROM kpi.stage_metrics").rows {
                rows.append(StoredRow(
                    request: ExplainRequest(period: label(try row.decode("period_kind"), try row.decode("period_start")), scope: .org,
                                            metric: try row.decode("metric"),
                                            stage: "\(try row.decode("pipeline", as: String.self))/\(try row.decode("stage", as: String.self))"),
                    aggregation: try row.decode("metric", as: String.self) == "stage_entries" ? "count" : "ratio",
                    stored: StoredNumber(value: try row.decode("value"), numerator: try row.decode("numerator"),
                                         denominator: try row.decode("denominator"))))
            }
            for row in try connection.query("SELECT * FROM kpi.breakdowns").rows {
                let id: String? = try row.decode("scope_external_id")
                if let reps, try row.decode("scope_kind", as: String.self) == "rep", !reps.contains(id ?? "") { continue }
                rows.append(StoredRow(
                    request: ExplainRequest(period: label(try row.decode("period_kind"), try row.decode("period_start")),
                                            scope: scope(try row.decode("scope_kind"), id), metric: try row.decode("metric"),
                                            dimension: try row.decode("dimension"), key: try row.decode("key")),
                    aggregation: "sum", stored: StoredNumber(value: try row.decode("value"), numerator: nil, denominator: nil)))
            }
            return rows
        }
    }

    /// Explains every stored row; returns the rows checked and the disagreements.
    func check(reps: Set<String>? = nil) throws -> (checked: Int, disagreements: [Disagreement]) {
        let rows = try self.storedRows(reps: reps)
        var disagreements: [Disagreement] = []
        try self.connection.withTenant(self.org.id) { session in
            let explainer = KPIExplainer(session: session)
            for row in rows {
                let explained = try explainer.explain(row.request, pageSize: 0)
                let computed = StoredNumber(value: explained.value, numerator: explained.numerator, denominator: explained.denominator)
                let exactValue = ["count", "sum", "snapshot"].contains(row.aggregation)
                // The stored row is read from the views here, not from the explanation's own
                // `materialized`, which `agreesWithMaterialized` is then checked against too.
                let agrees = computed.numerator == row.stored.numerator && computed.denominator == row.stored.denominator
                    && Explanation.sameValue(computed.value, row.stored.value, exactly: exactValue)
                if !agrees || explained.materialized != row.stored || !explained.agreesWithMaterialized {
                    let r = row.request
                    let what = "\(self.org.slug) \(r.metric) \(r.period) \(r.scope.label)"
                        + (r.stage.map { " stage \($0)" } ?? "") + (r.dimension.map { " \($0)=\(r.key ?? "")" } ?? "")
                    disagreements.append(Disagreement(what: what, stored: row.stored, explained: computed))
                }
            }
        }
        return (rows.count, disagreements)
    }

}

extension ExplainAgreement {
    /// Explains every explainable metric of every scope for the materialized periods of
    /// `kinds` that has no stored row: each must come out 0 or null (facts are sparse), so
    /// a number the engine failed to store shows up too.
    func checkMissingRows(kinds: Set<String>) throws -> (checked: Int, disagreements: [Disagreement]) {
        let stored = Set(try self.storedRows().filter { $0.request.stage == nil && $0.request.dimension == nil }
            .map { "\($0.request.metric) \($0.request.period) \($0.request.scope.label)" })
        var disagreements: [Disagreement] = []
        var checked = 0
        try self.connection.withTenant(self.org.id) { session in
            let periods = try session.connection.query("SELECT period_kind, period_start FROM kpi.materialized_periods").rows
                .map { (try $0.decode("period_kind", as: String.self), try $0.decode("period_start", as: LocalDate.self)) }
                .filter { kinds.contains($0.0) }
                .map { (kind: $0.0, label: PeriodLabel.of(kind: $0.0, start: $0.1, fiscalYearStartMonth: self.org.fiscalYearStartMonth)) }
            let scopes: [TargetScope] = [.org] + (try TeamRepository(session: session).list().map { .team($0.externalID) })
                + (try RepRepository(session: session).list().map { .rep($0.externalID) })
            let explainer = KPIExplainer(session: session)
            for definition in MetricSpecs.metrics {
                for (kind, period) in periods where definition.periodKinds.contains(kind) {
                    for scope in scopes where definition.scopes.contains(scope.kind.rawValue) {
                        guard !stored.contains("\(definition.metric) \(period) \(scope.label)") else { continue }
                        let request = ExplainRequest(period: period, scope: scope, metric: definition.metric)
                        // Every metric of its own grain explains; a failure here is a defect, not a skip.
                        let explained = try explainer.explain(request, pageSize: 0)
                        checked += 1
                        let parts = [explained.value, explained.numerator, explained.denominator]
                        if parts.contains(where: { $0 != nil && $0 != 0 }) {
                            disagreements.append(Disagreement(
                                what: "\(self.org.slug) \(definition.metric) \(period) \(scope.label) (no stored row)",
                                stored: StoredNumber(value: nil, numerator: nil, denominator: nil),
                                explained: StoredNumber(value: explained.value, numerator: explained.numerator,
                                                        denominator: explained.denominator)))
                        }
                    }
                }
            }
        }
        return (checked, disagreements)
    }
}
