import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Customer lifetime value at rep and team scope follows the deal owner for its sales (SPEC §5.2)")
struct LifetimeValueAttributionTests {
    static func importText(_ kind: ImportKind, _ text: String, org: Org, on connection: Connection) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clv-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: try FileHandle(forReadingFrom: url), fileName: url.path)
    }

    @Test("a deal owned by one rep on an account owned by another counts toward the deal owner's lifetime value")
    func dealOwnerGetsTheSales() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        for kind in [ImportKind.teams, .reps, .stages] {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
            _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: file)!, fileName: file)
        }
        try Self.importText(.accounts, "external_id,name,owner_rep_external_id\na-1,Owned by Anna,r-anna\n", org: org, on: connection)
        try Self.importText(.deals, """
            external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at,closed_at
            d-1,Sold by Jonas,a-1,r-jonas,New Business,Closed Won,1000.00,2026-09-01T09:00:00Z,2026-10-15T09:00:00Z
            """, org: org, on: connection)
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-10-01")!, to: LocalDate("2026-10-31")!)
        let values = try connection.withOrg(org.id) { connection in
            try connection.query("""
                SELECT scope_kind, scope_external_id, value FROM kpi.metric_values
                WHERE metric = 'customer_lifetime_value' AND period_kind = 'month' AND period_start = '2026-10-01'
                ORDER BY scope_kind, scope_external_id
                """).rows.map { row -> String in
                "\(try row.decode("scope_kind", as: String.self)):\(try row.decode("scope_external_id", as: String?.self) ?? "-")="
                    + "\(try row.decode("value", as: Decimal.self))"
            }
        }
        // One account with a won deal in W, no churn: 1000 / 1 × 10 years, for the org, Jonas and his teams.
        #expect(values.contains("org:-=10000"))
        #expect(values.contains("rep:r-jonas=10000"), "\(values)")
        #expect(!values.contains { $0.hasPrefix("rep:r-anna=") }, "\(values)")
    }
}
