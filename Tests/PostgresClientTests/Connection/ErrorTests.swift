import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("Server and connection errors carry their context")
struct ErrorTests {
    @Test("a unique violation carries SQLSTATE 23505, the constraint, the table and the detail")
    func uniqueViolation() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE items (code text CONSTRAINT items_code_key UNIQUE)")
        try connection.execute("INSERT INTO items VALUES (\("a"))")
        let error = #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO items VALUES (\("a"))") }
        #expect(error?.sqlState == .uniqueViolation)
        #expect(error?.sqlState?.isIntegrityConstraintViolation == true)
        #expect(error?.constraint == "items_code_key")
        #expect(error?.table == "items")
        #expect(error?.detail == "Key (code)=(a) already exists.")
        #expect(error?.query == "INSERT INTO items VALUES ($1)")
        // The generic description leaks no values; the debug description has them all.
        #expect(error?.description == "PostgresError.server (SQLSTATE 23505)")
        #expect(error?.debugDescription.contains("Key (code)=(a) already exists.") == true)
        #expect(connection.isHealthy)
    }

    @Test("an unknown SQLSTATE survives as its code")
    func openSQLStateType() throws {
        let connection = try SharedDatabase.connect()
        let error = #expect(throws: PostgresError.self) {
            try connection.execute("DO $$ BEGIN RAISE EXCEPTION 'custom' USING ERRCODE = 'SO123', HINT = 'try later'; END $$")
        }
        #expect(error?.sqlState == SQLState("SO123"))
        #expect(error?.hint == "try later")
        #expect(error?.message == "custom")
    }

    @Test("a failed connect names host, port and database, and libpq's reason")
    func failedConnect() throws {
        let error = #expect(throws: PostgresError.self) {
            try Connection.connect(ConnectionConfiguration(conninfo: "postgresql://nobody@127.0.0.1:1/nowhere", connectTimeoutSeconds: 2),
                                   logger: TestCluster.logger)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.endpoint?.host == "127.0.0.1")
        #expect(error?.endpoint?.port == "1")
        #expect(error?.endpoint?.database == "nowhere")
        #expect(error?.operatorMessage.contains("cannot connect to PostgreSQL (host 127.0.0.1, port 1, database nowhere") == true)
        #expect(error?.operatorMessage.contains("refused") == true)
        #expect(error?.isTransient == true)
    }

    @Test("a NUL byte in a parameter is refused before it is silently truncated")
    func nulParameter() throws {
        let connection = try SharedDatabase.connect()
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT \("a\u{0}b")::text") }
        #expect(error?.message.contains("NUL") == true)
    }

    @Test("a closed connection refuses further use with connectionLost")
    func closedConnection() throws {
        let connection = try SharedDatabase.connect()
        connection.close()
        connection.close()
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(error?.kind == .connectionLost)
    }
}
