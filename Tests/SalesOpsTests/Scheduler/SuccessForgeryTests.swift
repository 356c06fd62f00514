import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Only a night's holder, in the transaction that computed it, can mark the night succeeded")
struct SuccessForgeryTests {
    static func claimedNight(_ connection: Connection, org: Org, night: String) throws -> UUID {
        try connection.withSchedulerRole { connection in
            try connection.query("""
                INSERT INTO salesops.scheduler_runs (org_id, night, status, worker, lease_token, started_at, heartbeat_at, lease_expires_at)
                VALUES (\(org.id), \(LocalDate(night)!), 'running', 'test', gen_random_uuid(), now(), now(), now() + interval '5 minutes')
                RETURNING lease_token
                """).rows[0].decode("lease_token")
        }
    }

    @Test("a succeeded row inserted for a night that never ran is refused, even from the scheduler role of a product session")
    func insertedSuccess() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        #expect(throws: PostgresError.self) {
            try connection.withSchedulerRole { connection in
                try connection.execute("""
                    INSERT INTO salesops.scheduler_runs (org_id, night, status, worker, lease_token, started_at, heartbeat_at,
                                                         lease_expires_at, finished_at, rows_written)
                    VALUES (\(org.id), '2026-11-19', 'succeeded', 'forger', gen_random_uuid(), now(), now(), now(), now(), 0)
                    """)
            }
        }
    }

    @Test("the holder's success mark without the night's facts in the same transaction is refused; with them it is accepted")
    func successNeedsTheFacts() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let token = try Self.claimedNight(connection, org: org, night: "2026-11-19")
        let mark = """
            UPDATE salesops.scheduler_runs SET status = 'succeeded', finished_at = clock_timestamp(), rows_written = 0
            WHERE org_id = \(org.id) AND night = '2026-11-19' AND lease_token = '\(token.uuidString.lowercased())'
            """
        #expect(throws: PostgresError.self) { try connection.withOrg(org.id) { try $0.execute(Query(unescaped: mark)) } }
        #expect(throws: PostgresError.self) { try connection.withSchedulerRole { try $0.execute(Query(unescaped: mark)) } }
        // A materialization of another night in the same transaction is no proof either.
        #expect(throws: (any Error).self) {
            _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-11-17")!, to: LocalDate("2026-11-18")!,
                                                                       beforeCommit: { connection, _ in try connection.execute(Query(unescaped: mark)) })
        }
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-11-13")!, to: LocalDate("2026-11-19")!,
                                                                   beforeCommit: { connection, _ in
                                                                       let marked = try connection.execute(Query(unescaped: mark))
                                                                       #expect(marked == 1)
                                                                   })
        let status: String = try connection.withOrg(org.id) {
            try $0.query("SELECT status FROM salesops.scheduler_runs WHERE night = '2026-11-19'").rows[0].decode("status")
        }
        #expect(status == "succeeded")
    }
}
