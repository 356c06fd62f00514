import Foundation
import HTTPTypes
import PostgresClient
import Testing
import TestSupport

@Suite("Concurrent team parent changes never make a cycle")
struct TeamParentConcurrencyTests {
    let fixture = APIFixture.shared

    @Test("PUT a {parent b} and PUT b {parent a} at the same time: at most one succeeds, the other is 422, no cycle is stored")
    func concurrentParentChangesNeverCycle() async throws {
        var bothSucceeded = 0
        for attempt in 0..<20 {
            let a = "cycle-a-\(attempt)-" + UUID().uuidString.prefix(6).lowercased()
            let b = "cycle-b-\(attempt)-" + UUID().uuidString.prefix(6).lowercased()
            for team in [a, b] {
                let made = try await self.fixture.request(.put, "/v1/teams/\(team)", token: self.fixture.adminW, body: #"{"name":"T"}"#)
                #expect(made.status == .created)
            }
            async let first = self.fixture.request(.put, "/v1/teams/\(a)", token: self.fixture.adminW,
                                                   body: #"{"name":"T","parent_external_id":"\#(b)"}"#)
            async let second = self.fixture.request(.put, "/v1/teams/\(b)", token: self.fixture.adminW,
                                                    body: #"{"name":"T","parent_external_id":"\#(a)"}"#)
            let statuses = try await [first.status, second.status]
            if statuses == [.ok, .ok] { bothSucceeded += 1 }
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .unprocessableContent],
                    "attempt \(attempt): \(statuses)")
        }
        #expect(bothSucceeded == 0)
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let cycles: Int = try connection.query("""
            WITH RECURSIVE chain (start, id, depth) AS (
                SELECT id, parent_id, 1 FROM salesops.teams WHERE org_id = \(self.fixture.orgW.id) AND parent_id IS NOT NULL
                UNION ALL
                SELECT c.start, t.parent_id, c.depth + 1 FROM chain c
                JOIN salesops.teams t ON t.org_id = \(self.fixture.orgW.id) AND t.id = c.id
                WHERE t.parent_id IS NOT NULL AND c.id <> c.start AND c.depth < 100
            )
            SELECT count(*) AS n FROM chain WHERE id = start
            """).rows[0].decode("n")
        #expect(cycles == 0)
    }
}
