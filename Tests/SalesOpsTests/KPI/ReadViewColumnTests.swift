import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("The KPI read views have exactly the columns of SPEC §6")
struct ReadViewColumnTests {
    @Test("view columns, in order", arguments: [
        ("metric_values", ["org_id", "period_kind", "period_start", "period_end", "scope_kind", "scope_id", "scope_external_id",
                           "metric", "value", "numerator", "denominator", "as_of", "computed_at"]),
        ("stage_metrics", ["org_id", "period_kind", "period_start", "pipeline", "stage", "metric", "value", "numerator",
                           "denominator", "as_of"]),
        ("breakdowns", ["org_id", "period_kind", "period_start", "scope_kind", "scope_external_id", "dimension", "key",
                        "metric", "value", "as_of"]),
        ("target_attainment", ["org_id", "target_id", "scope_kind", "scope_external_id", "metric", "period_kind", "period_start",
                               "period_end", "target", "actual", "attainment_pct", "expected_to_date", "pace_pct", "as_of"]),
    ])
    func columns(view: String, expected: [String]) throws {
        let connection = try SharedDatabase.connect()
        let columns = try connection.query("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'kpi' AND table_name = \(view) ORDER BY ordinal_position
            """).rows.map { try $0.decode("column_name", as: String.self) }
        #expect(columns == expected)
    }
}
