import Foundation
@testable import PostgresClient
import Testing
import TestSupport

@Suite("A pipeline is one implicit transaction without BEGIN or COMMIT; cached statements are prepared once")
struct PipelineTests {
    func connect() throws -> Connection {
        try Connection.connect(ConnectionConfiguration(conninfo: SharedDatabase.database.url), logger: TestCluster.logger)
    }

    @Test("transaction-local settings of one statement hold for the next and end with the pipeline; one transaction id")
    func oneImplicitTransaction() throws {
        let connection = try self.connect()
        defer { connection.close() }
        let (setting, sameTransaction) = try connection.withPipeline { connection in
            let first: String = try connection.query("SELECT set_config('application_name', 'piped', true) AS v, txid_current()::text AS t")
                .rows[0].decode("t")
            let row = try connection.query("SELECT current_setting('application_name') AS v, txid_current()::text AS t").rows[0]
            return (try row.decode("v", as: String.self), try row.decode("t", as: String.self) == first)
        }
        #expect(setting == "piped")
        #expect(sameTransaction)
        #expect(!connection.isInTransaction)
        #expect(try connection.query("SELECT current_setting('application_name') AS v").rows[0].decode("v", as: String.self) != "piped")
    }

    @Test("a failing statement rolls the pipeline's work back, skips the rest, and the connection stays usable")
    func failureRollsBack() throws {
        let connection = try self.connect()
        defer { connection.close() }
        try connection.execute("CREATE TEMPORARY TABLE piped (n integer)")
        #expect(throws: PostgresError.self) {
            try connection.withPipeline { connection in
                try connection.execute("INSERT INTO piped VALUES (1)")
                try connection.execute("SELECT 1 / 0")
            }
        }
        let error = #expect(throws: PostgresError.self) {
            try connection.withPipeline { connection in
                _ = try? connection.execute("SELECT 1 / 0")
                try connection.execute("INSERT INTO piped VALUES (2)")
            }
        }
        #expect(error?.sqlState == SQLState("25P02"), "a statement after a failed one is skipped")
        #expect(try connection.query("SELECT count(*) AS n FROM piped").rows[0].decode("n", as: Int.self) == 0)
        #expect(try connection.query("SELECT 41 + 1 AS n").rows[0].decode("n", as: Int.self) == 42)
    }

    @Test("with the cache on, a statement is prepared once and reused, in and out of pipelines; a bad one is not kept")
    func cachedStatements() throws {
        let connection = try self.connect()
        defer { connection.close() }
        connection.cacheStatements(capacity: 3)
        let sql: Query = "SELECT \(20)::integer + \(1)::integer AS n"
        for _ in 0..<3 { #expect(try connection.query(sql).rows[0].decode("n", as: Int.self) == 21) }
        let piped: Int = try connection.withPipeline { connection in
            try connection.query("SELECT \(40)::integer + \(2)::integer AS n").rows[0].decode("n")
        }
        #expect(piped == 42)
        #expect(throws: PostgresError.self) { try connection.query("SELECT no_such_column") }
        let prepared = try connection.query("SELECT statement FROM pg_prepared_statements ORDER BY name").rows
            .map { try $0.decode("statement", as: String.self) }
        #expect(prepared == ["SELECT $1::integer + $2::integer AS n", "SELECT statement FROM pg_prepared_statements ORDER BY name"],
                "\(prepared)")
        // The third fills the cache; further statements run unprepared, and still run.
        #expect(try connection.query("SELECT 7 AS n").rows[0].decode("n", as: Int.self) == 7)
        #expect(try connection.query("SELECT 8 AS n").rows[0].decode("n", as: Int.self) == 8)
        #expect(try connection.query("SELECT count(*) AS n FROM pg_prepared_statements").rows[0].decode("n", as: Int.self) == 3)
    }
}
