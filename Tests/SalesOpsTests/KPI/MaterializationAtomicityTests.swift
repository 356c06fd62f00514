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
                SELECT count(*) || ':' || coalesce(md5(string_agg(f::text, '|' ORDER BY f::text)), '') AS digest FROM kpi.metric_facts f
                """).rows[0].decode("digest")
        }
    }

    @Test("the run fails while writing its last fact table; the metric facts it had already replaced roll back")
    func failureLeavesOldValues() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.deals(["d-1,r-us,Won,100,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        try kpi.materialize("2026-11-03", "2026-11-03")
        let before = try Self.digest(kpi)
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 100)

        // New data changes the revenue, so the next run rewrites metric facts first.
        try kpi.deals(["d-1,r-us,Won,250,2026-11-01T08:00:00Z,2026-11-03T08:00:00Z"])
        let blocker = try SharedDatabase.connect()
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE kpi.breakdown_facts IN ACCESS EXCLUSIVE MODE")
        try kpi.connection.execute("SET lock_timeout = '300ms'")
        let error = #expect(throws: PostgresError.self) { try kpi.materialize("2026-11-03", "2026-11-03") }
        #expect(error?.sqlState == SQLState("55P03"), "lock_not_available, got \(String(describing: error?.sqlState))")
        #expect(error?.query?.contains("DELETE FROM kpi.breakdown_facts") == true, "the run failed at its last table, after the metric facts")
        try blocker.execute("ROLLBACK")
        try kpi.connection.execute("RESET lock_timeout")

        #expect(try Self.digest(kpi) == before)
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 100)
        try kpi.materialize("2026-11-03", "2026-11-03")
        #expect(try kpi.value("revenue", "day", "2026-11-03") == 250)
    }
}
