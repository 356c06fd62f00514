import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("KPI facts: a rerun updates, adds and removes only what changed; facts leave with their org")
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
                    SELECT (SELECT count(*) FROM kpi.metric_fact_sets) + (SELECT count(*) FROM kpi.stage_facts)
                         + (SELECT count(*) FROM kpi.breakdown_fact_sets) + (SELECT count(*) FROM kpi.materialized_periods) AS n
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

    @Test("after data changes, a rerun updates changed facts, adds and removes values, and leaves unchanged stored rows untouched")
    func rerunWritesOnlyChanges() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals([
            "d-1,r-us,Won,1000,2026-11-02T08:00:00Z,2026-11-02T10:00:00Z,upsell",
            "d-2,r-us,Won,500,2026-11-02T09:00:00Z,2026-11-02T11:00:00Z",
            "d-3,r-dach,Won,300,2026-11-02T09:00:00Z,2026-11-02T11:00:00Z",
        ])
        try kpi.materialize("2026-11-02", "2026-11-02")
        /// The stored row of a rep's day (sql/029: one row holds the values of a period and scope).
        func version(_ rep: String) throws -> String? {
            try kpi.connection.withOrg(kpi.org.id) { connection in
                try connection.query("""
                    SELECT f.xmin::text AS version FROM kpi.metric_fact_sets f JOIN salesops.reps r ON r.id = f.scope_id
                    WHERE r.external_id = \(rep) AND f.period_kind = 'day' AND f.period_start = '2026-11-02' AND f.scope_kind = 'rep'
                    """).singleRow()?.decode("version")
            }
        }
        let untouchedVersion = try #require(try version("r-dach"))
        let changedVersion = try #require(try version("r-us"))
        #expect(try kpi.value("expansion_revenue", "day", "2026-11-02", scope: "rep", id: "r-us") == 1000)
        #expect(try kpi.value("deals_lost", "day", "2026-11-02", scope: "rep", id: "r-us") == nil)

        // d-1 is lost after all, d-2 was worth more.
        try kpi.deals([
            "d-1,r-us,Lost,1000,2026-11-02T08:00:00Z,2026-11-02T10:00:00Z,upsell",
            "d-2,r-us,Won,700,2026-11-02T09:00:00Z,2026-11-02T11:00:00Z",
        ])
        let rerun = try kpi.materialize("2026-11-02", "2026-11-02")
        #expect(try kpi.value("revenue", "day", "2026-11-02", scope: "rep", id: "r-us") == 700)
        #expect(try kpi.value("deals_won", "day", "2026-11-02", scope: "rep", id: "r-us") == 1)
        #expect(try kpi.value("win_rate", "day", "2026-11-02", scope: "rep", id: "r-us") == 50)
        #expect(try kpi.value("deals_lost", "day", "2026-11-02", scope: "rep", id: "r-us") == 1)
        #expect(try kpi.fact("expansion_revenue", "day", "2026-11-02", scope: "rep", id: "r-us") == nil)
        #expect(try kpi.value("opportunities_created", "day", "2026-11-02", scope: "rep", id: "r-us") == 2)
        #expect(try kpi.value("revenue", "day", "2026-11-02") == 1000)
        // r-dach's day did not change: its stored row is not rewritten; r-us's is.
        #expect(try version("r-dach") == untouchedVersion)
        #expect(try version("r-us") != changedVersion)
        #expect(rerun.rowsWritten > 0)
        #expect(try kpi.materialize("2026-11-02", "2026-11-02").rowsWritten == 0)
    }
}
