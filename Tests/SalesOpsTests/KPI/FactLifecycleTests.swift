import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("KPI facts leave with their org")
struct FactLifecycleTests {
    @Test("deleting an org removes its facts of every kind and leaves another org's alone")
    func orgDeletionRemovesFacts() throws {
        let leaving = try KPIFixture(timezone: "UTC")
        let staying = try KPIFixture(timezone: "UTC")
        for kpi in [leaving, staying] {
            try kpi.deals(["d-1,r-dach,Won,100,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z"])
            try kpi.materialize("2026-11-01", "2026-11-05")
        }
        func facts(_ kpi: KPIFixture) throws -> Int {
            try kpi.connection.withOrg(kpi.org.id) { connection in
                try connection.query("""
                    SELECT (SELECT count(*) FROM kpi.metric_facts) + (SELECT count(*) FROM kpi.stage_facts)
                         + (SELECT count(*) FROM kpi.breakdown_facts) + (SELECT count(*) FROM kpi.materialized_periods) AS n
                    """).rows[0].decode("n")
            }
        }
        let stayingBefore = try facts(staying)
        #expect(try facts(leaving) > 0)
        let deleted = try leaving.connection.withOrg(leaving.org.id) { connection in
            try connection.execute("DELETE FROM salesops.orgs WHERE id = \(leaving.org.id)")
        }
        #expect(deleted == 1)
        #expect(try facts(leaving) == 0)
        #expect(try facts(staying) == stayingBefore)
    }
}
