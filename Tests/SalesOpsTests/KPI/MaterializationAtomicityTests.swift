import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("A materialization is atomic: a failure midway leaves the old values")
struct MaterializationAtomicityTests {
    static func digest(_ kpi: KPIFixture) throws -> String {
        try kpi.connection.withOrg(kpi.org.id) { connection in
            try connection.query("""
                SELECT count(*) || ':' || coalesce(md5(string_agg(f::text, '|' ORDER BY f::text)), '') AS digest FROM kpi.metric_fact_rows f
                """).rows[0].decode("digest")
        }
    }

    @Test("the run fails while writing its last fact table; the metric facts it had already replaced roll back")
    func failureLeavesOldValues() throws {
        // A database of its own: the table lock below would stall every other test's runs.
        let database = try TestDatabase.migrated()
        let kpi = try KPIFixture(timezone: "UTC", connection: database.connect())
        try kpi.deals(["d-1,r-us,Won,100,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        try kpi.materialize("2026-11-03", "2026-11-03")
        let before = try Self.digest(kpi)
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 100)

        // New data changes the revenue, so the next run rewrites metric facts first.
        try kpi.deals(["d-1,r-us,Won,250,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        let blocker = try database.connect()
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE kpi.breakdown_fact_sets IN ACCESS EXCLUSIVE MODE")
        var impatient = KPIMaterializer(connection: kpi.connection)
        impatient.lockTimeout = .milliseconds(300)
        let error = #expect(throws: PostgresError.self) {
            try impatient.materialize(org: kpi.org, from: LocalDate("2026-11-03")!, to: LocalDate("2026-11-03")!)
        }
        #expect(error?.sqlState == SQLState("55P03"), "lock_not_available, got \(String(describing: error?.sqlState))")
        #expect(error?.query?.contains("DELETE FROM kpi.breakdown_fact_sets") == true, "the run failed at its last table, after the metric facts")
        try blocker.execute("ROLLBACK")

        #expect(try Self.digest(kpi) == before)
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 100)
        try kpi.materialize("2026-11-03", "2026-11-03")
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 250)
    }
}
