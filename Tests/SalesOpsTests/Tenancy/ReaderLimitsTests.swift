import Foundation
import PostgresClient
import SalesOps
import Synchronization
import Testing
import TestSupport

/// A BI reader tries to lift its own limits (SPEC §9): it may change its role defaults and its
/// session settings, but the watchdog ends it past its binding's limits, and what it cannot
/// change (TEMP, temp_file_limit) holds.
@Suite("A BI reader cannot lift its own limits")
struct ReaderLimitsTests {
    /// Two orgs and a reader of org A with short limits, whose session has already cleared every
    /// timeout it can (its role defaults and its own settings).
    static func reader(statement: Duration = .seconds(1), idle: Duration = .seconds(1), transaction: Duration = .seconds(600))
        throws -> (ReaderRoleIsolationTests.Fixture, Connection) {
        let fixture = try ReaderRoleIsolationTests.fixture()
        var settings = ReaderRoleSettings()
        settings.statementLimit = statement
        settings.idleInTransactionLimit = idle
        settings.transactionLimit = transaction
        try ReaderRoles(connection: fixture.admin).grantReader(role: fixture.reader, orgID: fixture.orgA.id, password: nil, settings: settings)
        let reader = try fixture.database.connect(as: fixture.reader)
        try reader.execute(Query(unescaped: "ALTER ROLE \(fixture.reader) SET statement_timeout = 0"))
        try reader.execute(Query(unescaped: "ALTER ROLE \(fixture.reader) SET idle_in_transaction_session_timeout = 0"))
        try reader.execute("SET statement_timeout = 0")
        try reader.execute("SET idle_in_transaction_session_timeout = 0")
        try reader.execute("SET lock_timeout = 0")
        return (fixture, reader)
    }

    /// Sweeps until the watchdog ends something (at most `attempts` times, 200 ms apart).
    static func sweepUntilEnded(_ admin: Connection, attempts: Int = 50) throws -> [EndedReaderSession] {
        for _ in 0..<attempts {
            let ended = try ReaderSessionWatchdog(connection: admin).sweep()
            if !ended.isEmpty { return ended }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return []
    }

    @Test("a statement running past the reader's limit is ended, although the reader set statement_timeout = 0")
    func longStatementIsEnded() throws {
        let (fixture, reader) = try Self.reader()
        defer { reader.close() }
        let outcome = Outcome()
        let handed = HandedConnection(connection: reader)
        let sleeper = Thread {
            do {
                _ = try handed.connection.query("SELECT pg_sleep(60) AS slept")
                outcome.set("finished")
            } catch {
                outcome.set("ended")
            }
        }
        sleeper.start()
        let ended = try Self.sweepUntilEnded(fixture.admin)
        #expect(ended.map(\.role) == [fixture.reader])
        #expect(ended.first?.reason.contains("statement running longer than") == true)
        for _ in 0..<100 where outcome.value == nil { Thread.sleep(forTimeInterval: 0.05) }
        #expect(outcome.value == "ended")
    }

    @Test("a session idle in a transaction past the limit is ended, so its snapshot no longer holds back VACUUM")
    func idleTransactionIsEnded() throws {
        let (fixture, reader) = try Self.reader()
        defer { reader.close() }
        try reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        _ = try reader.query("SELECT count(*) AS n FROM kpi.metric_values")
        Thread.sleep(forTimeInterval: 1.2)
        let ended = try Self.sweepUntilEnded(fixture.admin)
        #expect(ended.map(\.role) == [fixture.reader])
        #expect(ended.first?.reason.contains("idle in a transaction") == true)
        #expect(throws: (any Error).self) { _ = try reader.query("SELECT 1 AS one") }
    }

    @Test("a transaction kept busy with short statements is ended past the transaction limit")
    func longTransactionIsEnded() throws {
        let (fixture, reader) = try Self.reader(statement: .seconds(30), idle: .seconds(30), transaction: .seconds(2))
        defer { reader.close() }
        try reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        var ended: [EndedReaderSession] = []
        for _ in 0..<40 where ended.isEmpty {
            _ = try? reader.query("SELECT 1 AS one")
            ended = try ReaderSessionWatchdog(connection: fixture.admin).sweep()
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(ended.map(\.role) == [fixture.reader])
        #expect(ended.first?.reason.contains("transaction open longer than") == true)
    }

    @Test("sessions within their limits, and product sessions, are left alone")
    func sessionsWithinLimitsStay() throws {
        let (fixture, reader) = try Self.reader(statement: .seconds(30), idle: .seconds(30))
        defer { reader.close() }
        try reader.execute("BEGIN")
        _ = try reader.query("SELECT count(*) AS n FROM kpi.metric_values")
        #expect(try ReaderSessionWatchdog(connection: fixture.admin).sweep().isEmpty)
        _ = try reader.query("SELECT 1 AS one")
        try reader.execute("COMMIT")
    }

    @Test("a reader cannot create temporary tables or raise its temp_file_limit")
    func temporaryTablesAndTempFilesAreBounded() throws {
        let (_, reader) = try Self.reader()
        defer { reader.close() }
        #expect {
            try reader.execute("CREATE TEMPORARY TABLE hoard AS SELECT g FROM generate_series(1, 1000) g")
        } throws: { ($0 as? PostgresError)?.sqlState == SQLState("42501") }
        #expect(try reader.query("SHOW temp_file_limit").rows[0].decode("temp_file_limit", as: String.self) == "1GB")
        #expect {
            try reader.execute("SET temp_file_limit = -1")
        } throws: { ($0 as? PostgresError)?.sqlState == SQLState("42501") }
    }
}

/// What happened to a statement run on another thread.
final class Outcome: Sendable {
    private let state = Mutex<String?>(nil)
    func set(_ value: String) { self.state.withLock { $0 = value } }
    var value: String? { self.state.withLock { $0 } }
}

/// A connection handed to one other thread: `@unchecked Sendable` because the test does not
/// touch it until that thread has finished with it.
struct HandedConnection: @unchecked Sendable {
    let connection: Connection
}
