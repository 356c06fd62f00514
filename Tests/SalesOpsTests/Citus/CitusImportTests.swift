import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Imports on a Citus cluster: each kind stages beside the org's rows (`ImportStaging`) and
/// writes there, no statement reaching more than one shard; the result is what one node holds
/// after the same files.
@Suite("Imports on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusImportTests {
    /// The org's rows in the `salesops` tables (every kind's destination), per table.
    static func fingerprint(_ connection: Connection, org: Org) throws -> [String: String] {
        try ImportFixture.fingerprint(of: org, connection: connection)
    }

    static func migrate(_ database: TestDatabase) throws {
        let connection = try database.connect()
        defer { connection.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: connection) }
    }

    @Test("every kind imports on the cluster as on one node; a second import changes nothing; staging is left empty")
    func everyKindAsOnOneNode() throws {
        let database = try CitusTestCluster.database()
        try Self.migrate(database)
        // A session opened after the layout: the database's settings apply from then on.
        let cluster = try CitusTestCluster.productConnection(database)
        defer { cluster.close() }
        let single = try TestDatabase.migrated().connect()
        defer { single.close() }
        var fingerprints: [[String: String]] = []
        for connection in [cluster, single] {
            // On the cluster, any statement of these that would reach more than one shard fails.
            if connection === cluster { try connection.execute("SET citus.multi_task_query_log_level = error") }
            let org = try connection.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: "same", name: "Same")) }
            let first = try ImportFixture.importDemo(into: org, connection: connection)
            #expect(first.allSatisfy { $0.inserted == $0.rows && $0.rows > 0 }, "\(first)")
            let second = try ImportFixture.importDemo(into: org, connection: connection)
            #expect(second.allSatisfy { $0.inserted == 0 && $0.updated == 0 }, "\(second)")
            if connection === cluster { try connection.execute("RESET citus.multi_task_query_log_level") }
            fingerprints.append(try Self.fingerprint(connection, org: org))
        }
        #expect(fingerprints[0] == fingerprints[1])
        #expect(fingerprints[0]["deals"]?.hasPrefix("8:") == true)
        for kind in ImportKind.allCases {
            let left: Int = try cluster.query(Query(unescaped: "SELECT count(*)::int AS n FROM salesops_staging.\(kind.rawValue)")).rows[0].decode("n")
            #expect(left == 0, "\(kind.rawValue) staging keeps \(left) rows")
        }
    }

    @Test("no import collects its rows on the coordinator: new rows get their ids on the org's node, on a first and a second import")
    func writesStayOnTheOrgsNode() throws {
        let database = try CitusTestCluster.database()
        try Self.migrate(database)
        // Citus says at DEBUG1 when it runs an INSERT … SELECT by pulling the rows to the
        // coordinator (as it must for an id drawn with nextval per row).
        let capture = LogCapture()
        let url = database.url(as: try CitusTestCluster.productLogin(on: database))
        let connection = try Connection.connect(ConnectionConfiguration(conninfo: url), logger: capture.logger)
        defer { connection.close() }
        let org = try connection.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: "local", name: "Local")) }
        try connection.execute("SET client_min_messages = debug1")
        try connection.execute("DO $$ BEGIN RAISE DEBUG 'debug messages reach the log'; END $$")
        let first = try ImportFixture.importDemo(into: org, connection: connection)
        #expect(first.allSatisfy { $0.inserted == $0.rows && $0.rows > 0 }, "\(first)")
        let second = try ImportFixture.importDemo(into: org, connection: connection)
        #expect(second.allSatisfy { $0.inserted == 0 && $0.updated == 0 }, "\(second)")
        let messages = capture.messages
        #expect(messages.contains("postgres: debug messages reach the log"))
        let pulled = messages.filter { $0.localizedCaseInsensitiveContains("on coordinator") || $0.contains("volatile functions") }
        #expect(pulled.isEmpty, "\(pulled)")
    }

    @Test("a file with a bad row writes nothing on any node and names the row")
    func badFileWritesNothing() throws {
        let database = try CitusTestCluster.database()
        try Self.migrate(database)
        // A session opened after the layout: the database's settings apply from then on.
        let cluster = try CitusTestCluster.productConnection(database)
        defer { cluster.close() }
        let org = try cluster.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: "careful", name: "Careful")) }
        try ImportFixture.importDemo(into: org, connection: cluster, kinds: [.teams, .reps, .stages, .accounts])
        let before = try Self.fingerprint(cluster, org: org)
        try cluster.execute("SET citus.multi_task_query_log_level = error")
        let bad = """
            external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at
            d-ok,Fine,a-bosch,r-anna,New Business,Proposal,100,2026-11-02T10:00:00Z
            d-bad,Broken,a-nowhere,r-anna,New Business,Proposal,100,2026-11-02T10:00:00Z
            """
        let error = #expect(throws: ImportFailure.self) {
            try ImportFixture.importText(bad, kind: .deals, org: org, connection: cluster)
        }
        #expect(error?.problems.first?.line == 3)
        try cluster.execute("RESET citus.multi_task_query_log_level")
        #expect(try Self.fingerprint(cluster, org: org) == before)
        let left: Int = try cluster.query("SELECT count(*)::int AS n FROM salesops_staging.deals").rows[0].decode("n")
        #expect(left == 0)
    }

    @Test("a stage's kind change moves its deals on the cluster, by stage update and by the stages import; a probability change is kept")
    func stageKindChangesOnTheCluster() throws {
        let database = try CitusTestCluster.database()
        try Self.migrate(database)
        let cluster = try CitusTestCluster.productConnection(database)
        defer { cluster.close() }
        let org = try cluster.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: "moving", name: "Moving")) }
        try ImportFixture.importDemo(into: org, connection: cluster)
        func kinds(_ stage: String) throws -> [String] {
            try cluster.withOrg(org.id) { connection in
                try connection.query("""
                    SELECT DISTINCT d.stage_kind FROM salesops.deals d
                    JOIN salesops.stages s ON s.org_id = d.org_id AND s.id = d.stage_id
                    WHERE d.org_id = \(org.id) AND s.org_id = \(org.id) AND s.name = \(stage) ORDER BY 1
                    """).rows.map { try $0.decode("stage_kind", as: String.self) }
            }
        }
        let updated = try cluster.withTenant(org.id) { session in
            try PipelineRepository(session: session).updateStage(pipeline: "New Business", name: "Closed Lost", newName: nil,
                                                                 position: nil, kind: .won, probability: 42)
        }
        #expect(updated.kind == .won && updated.probability == 42)
        #expect(try kinds("Closed Lost") == ["won"])
        _ = try ImportFixture.importText("pipeline,name,position,kind,probability\nNew Business,Closed Lost,6,lost,\nExpansion,Won,2,lost,\n",
                                         kind: .stages, org: org, connection: cluster)
        #expect(try kinds("Closed Lost") == ["lost"])
        #expect(try kinds("Won") == ["lost"])
    }
}
