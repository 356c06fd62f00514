import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// sql/029 converts a database holding facts in the row-per-value layout of sql/008–014.
@Suite("The compact fact store's migration keeps every view row")
struct FactStoreMigrationTests {
    /// The version that introduced the compact layout.
    static let compactLayout = 29

    /// Every row of the four SPEC §6 views (all but `computed_at`, which says when a run wrote).
    static func viewDigests(_ connection: Connection) throws -> [String: String] {
        let views = [
            "metric_values": "SELECT org_id, period_kind, period_start, period_end, scope_kind, scope_id, scope_external_id, metric, value, numerator, denominator, as_of FROM kpi.metric_values",
            "stage_metrics": "SELECT * FROM kpi.stage_metrics",
            "breakdowns": "SELECT * FROM kpi.breakdowns",
            "target_attainment": "SELECT * FROM kpi.target_attainment",
        ]
        var digests: [String: String] = [:]
        for (view, select) in views {
            digests[view] = try connection.query(Query(unescaped: """
                SELECT count(*) || ':' || coalesce(md5(string_agg(v::text, '|' ORDER BY v::text)), '') AS d FROM (\(select)) v
                """)).rows[0].decode("d")
        }
        return digests
    }

    /// The demo kinds the views name (teams, reps, stages, targets): imported first and in the
    /// same order in each database, so their ids agree.
    static let viewedKinds: [ImportKind] = [.teams, .reps, .stages, .targets]

    /// An org with the demo data, November's targets and a materialized autumn, built the same
    /// way in each database (so ids agree). With `viewedOnly`, only the kinds the views name:
    /// the previous schema cannot take the newer import formats (expected close dates, calls).
    /// The previous schema registers an org by its own triggers (sql/036 moved them into
    /// `OrgRepository.create`), so there the org is inserted as that schema expects.
    static func seed(_ connection: Connection, viewedOnly: Bool = false) throws -> Org {
        let org = viewedOnly ? try Self.previousSchemaOrg(connection)
                             : try SharedDatabase.makeOrg(on: connection, timezone: "Europe/Berlin", fiscalYearStartMonth: 4)
        _ = try ImportFixture.importDemo(into: org, connection: connection,
                                         kinds: viewedOnly ? Self.viewedKinds : Self.viewedKinds + Self.otherKinds)
        return org
    }

    static func previousSchemaOrg(_ connection: Connection) throws -> Org {
        let slug = "org-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
        return try connection.withApplicationRole { connection in
            try connection.execute("""
                INSERT INTO salesops.orgs (slug, name, timezone, fiscal_year_start_month)
                VALUES (\(slug), \("Test " + slug), 'Europe/Berlin', 4)
                """)
            return try OrgRepository(connection: connection).get(slug: slug)
        }
    }

    static var otherKinds: [ImportKind] { ImportKind.allCases.filter { !Self.viewedKinds.contains($0) } }

    @Test("a database materialized in the row layout reads the same rows from every view after the migration, and a rerun writes nothing")
    func conversionKeepsViewRows() throws {
        // The reference: the current schema, materialized by the engine.
        let current = try TestDatabase.migrated().connect()
        let org = try Self.seed(current)
        let report = try KPIMaterializer(connection: current).materialize(org: org, from: LocalDate("2026-09-01")!, to: LocalDate("2026-11-30")!)
        #expect(report.rowsWritten > 0)
        let expected = try Self.viewDigests(current)
        #expect(expected["metric_values"]?.hasPrefix("0:") == false)
        #expect(expected["breakdowns"]?.hasPrefix("0:") == false)

        // A database of the previous schema holding the same facts in its row-per-value tables.
        let old = try TestDatabase.empty().connect()
        try Migrator(files: TestCluster.migrationFiles.filter { $0.version < Self.compactLayout }).migrate(on: old)
        // Today's importer names new rows' ids from blocks of salesops.row_id_blocks (sql/046),
        // which the previous schema lacks: it gets the sequence for the seed, as sql/046 makes
        // it (so both databases hand out the same ids), and gives it back before migrating.
        let rowIDBlocks = try #require(TestCluster.migrationFiles.first { $0.version == 46 })
        for statement in SQLScript.statements(in: rowIDBlocks.sql) { try old.executeScript(statement) }
        let oldOrg = try Self.seed(old, viewedOnly: true)
        try old.execute("DROP SEQUENCE salesops.row_id_blocks")
        #expect(oldOrg.id == org.id)
        for (table, rows) in [("kpi.materialized_periods", "kpi.materialized_periods"), ("kpi.metric_facts", "kpi.metric_fact_rows"),
                              ("kpi.stage_facts", "kpi.stage_fact_rows"), ("kpi.breakdown_facts", "kpi.breakdown_fact_rows")] {
            let texts: [String] = try current.query(Query(unescaped: "SELECT r::text AS row FROM \(rows) r"))
                .rows.map { try $0.decode("row") }
            #expect(!texts.isEmpty, "\(rows) has rows to convert")
            try old.execute("INSERT INTO \(unescaped: table) SELECT (r::\(unescaped: table)).* FROM unnest(\(texts)::text[]) r")
        }
        #expect(try Self.viewDigests(old) == expected, "the row layout shows what the engine computed")

        try Migrator(files: TestCluster.migrationFiles).migrate(on: old)
        #expect(try Self.viewDigests(old) == expected)
        _ = try ImportFixture.importDemo(into: oldOrg, connection: old, kinds: Self.otherKinds)  // what the rerun computes from
        let rerun = try KPIMaterializer(connection: old).materialize(org: oldOrg, from: LocalDate("2026-09-01")!, to: LocalDate("2026-11-30")!)
        #expect(rerun.rowsWritten == 0, "the converted rows are what the engine writes")
    }
}
