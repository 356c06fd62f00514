import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("Transactions commit, roll back and report each error apart")
struct TransactionTests {
    struct BodyFailed: Error {}

    @Test("a body that returns commits")
    func commits() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int)")
        try connection.withTransaction { try $0.execute("INSERT INTO t VALUES (1)") }
        #expect(try connection.query("SELECT count(*) AS n FROM t").rows[0].decode("n", as: Int.self) == 1)
        #expect(!connection.isInTransaction)
    }

    @Test("a body that throws rolls back and its error comes through unchanged")
    func rollsBack() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int)")
        #expect(throws: BodyFailed.self) {
            try connection.withTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                throw BodyFailed()
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM t").rows[0].decode("n", as: Int.self) == 0)
        #expect(!connection.isInTransaction)
    }

    @Test("a commit the server turns into a rollback is reported as the commit's error")
    func failedCommit() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
        let error = #expect(throws: TransactionError.self) {
            try connection.withTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                _ = try? connection.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error?.bodyError == nil)
        #expect(error?.rollbackError == nil)
        #expect(error?.commitError?.sqlState == SQLState("25P02"))
        #expect(try connection.query("SELECT count(*) AS n FROM t").rows[0].decode("n", as: Int.self) == 0)
    }

    @Test("a deferred constraint failing at commit is the commit's error")
    func deferredConstraintAtCommit() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int, CONSTRAINT t_v_key UNIQUE (v) DEFERRABLE INITIALLY DEFERRED)")
        let error = #expect(throws: TransactionError.self) {
            try connection.withTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (1), (1)")
            }
        }
        #expect(error?.commitError?.constraint == "t_v_key")
        #expect(!connection.isInTransaction)
    }
}
