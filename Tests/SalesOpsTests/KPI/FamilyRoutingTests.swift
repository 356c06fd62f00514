@testable import SalesOps
import Testing

/// The form a family statement takes on a Citus cluster (`FamilyStatements.routedWhole`): the
/// same rows, the org's id read from the run's window row and written as digits.
@Suite("Family statements sent whole to the org's node")
struct FamilyRoutingTests {
    static let statement = """
        -- a family
        WITH counted AS (
            SELECT p.period_kind, count(*) AS n FROM kpi_periods p WHERE p.org_id = $1 AND $10 = $1 GROUP BY 1
        )
        INSERT INTO kpi_new_facts (org_id, period_kind, metric, value)
        SELECT $1, c.period_kind, 'periods', c.n
        FROM counted c;
        """

    @Test("the INSERT moves out, the rest becomes a subquery named by the insert's columns, $1 becomes the org's digits and $10 stays")
    func wrapsTheStatement() throws {
        let routed = try FamilyStatements.routedWhole(Self.statement, name: "sample", org: 42)
        #expect(routed == """
            INSERT INTO kpi_new_facts (org_id, period_kind, metric, value)
            SELECT family_run.org_id, family_rows.period_kind, family_rows.metric, family_rows.value
            FROM kpi_window family_run
            CROSS JOIN (
            -- a family
            WITH counted AS (
                SELECT p.period_kind, count(*) AS n FROM kpi_periods p WHERE p.org_id = 42 AND $10 = 42 GROUP BY 1
            )
            SELECT 42, c.period_kind, 'periods', c.n
            FROM counted c
            ) AS family_rows (org_id, period_kind, metric, value)
            WHERE family_run.org_id = 42
            """)
    }

    @Test("a statement without an INSERT line, or not inserting org_id first, is refused by name")
    func refusesOtherShapes() {
        #expect(throws: KPIEngineError.self) { try FamilyStatements.routedWhole("SELECT 1", name: "odd", org: 1) }
        let error = #expect(throws: KPIEngineError.self) {
            try FamilyStatements.routedWhole("INSERT INTO kpi_new_facts (metric, org_id)\nSELECT 'm', $1", name: "odd", org: 1)
        }
        #expect(error?.description.contains("Families/odd.sql") == true)
    }

    @Test("every family of the catalogue can be sent whole, each reading its org from the run's window row")
    func everyFamilyHasTheShape() throws {
        for family in MetricCatalogue.standard.families {
            let name = try #require(family.statement)
            let routed = try FamilyStatements.routedWhole(try FamilyStatements.text(name), name: name, org: 7)
            #expect(routed.hasSuffix("WHERE family_run.org_id = 7"), "\(name)")
            #expect(!routed.contains("$1"), "\(name) still binds the org")
        }
    }
}
