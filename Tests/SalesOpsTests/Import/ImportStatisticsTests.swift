import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// After an org's data arrives in bulk, the tables it filled are analyzed, so the org's first
/// backfill is planned for its rows; a day's changes are left to autovacuum.
@Suite("Planner statistics after a bulk import")
struct ImportStatisticsTests {
    /// `count` accounts without owners, external ids `prefix-1`…
    static func accounts(_ count: Int, prefix: String) -> String {
        "external_id,name\n" + (1...count).map { "\(prefix)-\($0),Account \(prefix) \($0)\n" }.joined()
    }

    /// The planner's row estimate of `salesops.accounts` (-1 until first analyzed).
    static func estimate(_ connection: Connection) throws -> Double {
        try connection.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'salesops.accounts'::regclass").rows[0].decode("n")
    }

    @Test("the tables an import writes are named from its statements")
    func writtenTables() {
        #expect(ImportStatistics.writtenTables(ImportKind.accounts.definition.writes) == ["accounts"])
        #expect(ImportStatistics.writtenTables(ImportKind.stages.definition.writes) == ["pipelines", "stages"])
        #expect(ImportStatistics.writtenTables(ImportKind.stageChanges.definition.writes) == ["deal_stage_changes"])
    }

    @Test("an org's first load is analyzed; a smaller import and an import of fewer than 100 new rows are not")
    func bulkLoadsAreAnalyzed() throws {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        defer { connection.close() }
        // Only the importer may analyze here.
        try connection.execute("ALTER TABLE salesops.accounts SET (autovacuum_enabled = false)")
        let small = try SharedDatabase.makeOrg(on: connection)
        let report = try ImportFixture.importText(Self.accounts(99, prefix: "s"), kind: .accounts, org: small, connection: connection)
        #expect(report.inserted == 99)
        #expect(try Self.estimate(connection) < 0, "99 new rows analyzed the table")

        let loaded = try SharedDatabase.makeOrg(on: connection)
        _ = try ImportFixture.importText(Self.accounts(300, prefix: "a"), kind: .accounts, org: loaded, connection: connection)
        #expect(try Self.estimate(connection) == 399, "the first load of 300 accounts left the table unanalyzed")

        // 100 new rows where the org has 300: a day's changes, not a load.
        _ = try ImportFixture.importText(Self.accounts(100, prefix: "b"), kind: .accounts, org: loaded, connection: connection)
        #expect(try Self.estimate(connection) == 399)
    }
}
