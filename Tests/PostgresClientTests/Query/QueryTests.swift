import Foundation
import Logging
@testable import PostgresClient
import Synchronization
import Testing
import TestSupport

@Suite("Queries bind interpolated values as parameters")
struct QueryTests {
    @Test("interpolations become numbered parameters, never SQL text")
    func interpolationBinds() {
        let name = "Robert'); DROP TABLE reps;--"
        let limit = 5
        let query: Query = "SELECT * FROM reps WHERE name = \(name) LIMIT \(limit)"
        #expect(query.sql == "SELECT * FROM reps WHERE name = $1 LIMIT $2")
        #expect(query.bindings.map(\.text) == [name, "5"])
        #expect(query.bindings[1].type == .int8)
    }

    @Test("a hostile string is stored verbatim")
    func hostileValueIsData() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v text)")
        let hostile = "x'); DROP TABLE t; --"
        try connection.execute("INSERT INTO t VALUES (\(hostile))")
        #expect(try connection.query("SELECT v FROM t").rows[0].decode("v", as: String.self) == hostile)
    }

    @Test("appending a query renumbers its parameters")
    func appendRenumbers() throws {
        var query: Query = "SELECT \(1)::int AS a"
        query.append(", \(2)::int AS b, \(3)::int AS c")
        #expect(query.sql == "SELECT $1::int AS a, $2::int AS b, $3::int AS c")
        let row = try SharedDatabase.connect().query(query).rows[0]
        #expect(try row.decode("c", as: Int.self) == 3)
    }

    @Test("splicing renumbers placeholders only: $n inside literals, identifiers, dollar-quoted bodies and comments stays",
          arguments: [
              ("SELECT $1, '$1', E'\\'$1', \"a$1\", $$ $1 $$, $f$ $1 $f$, $2 -- $1\n, /* $1 */ $1",
               "SELECT $4, '$1', E'\\'$1', \"a$1\", $$ $1 $$, $f$ $1 $f$, $5 -- $1\n, /* $1 */ $4"),
              ("SELECT 'it''s $1', $1, x$1, \"q\"\"$1\"", "SELECT 'it''s $1', $4, x$1, \"q\"\"$1\""),
              ("SELECT $10 + $1", "SELECT $13 + $4"),
          ])
    func renumberSkipsQuotedText(sql: String, expected: String) {
        #expect(Query.StringInterpolation.renumber(sql, by: 3) == expected)
    }

    @Test("a spliced fragment with a dollar-quoted body runs with its own parameters renumbered")
    func splicedDollarQuotedBodyRuns() throws {
        let fragment: Query = "SELECT \(7)::int AS n, $$literal $1$$ AS body"
        let query: Query = "SELECT \(1)::int AS a, f.* FROM (\(fragment)) f"
        let row = try SharedDatabase.connect().query(query).rows[0]
        #expect(try row.decode("n", as: Int.self) == 7)
        #expect(try row.decode("body", as: String.self) == "literal $1")
    }

    @Test("arrays bind as PostgreSQL arrays with quoting")
    func arrays() throws {
        let values = ["a", "b,c", "d\"e", "f\\g", "ü"]
        let row = try SharedDatabase.connect().query("SELECT array_length(\(values)::text[], 1) AS n, (\(values)::text[])[4] AS fourth").rows[0]
        #expect(try row.decode("n", as: Int.self) == 5)
        #expect(try row.decode("fourth", as: String.self) == "f\\g")
    }
}

@Suite("Server notices go to the logger, not stderr")
struct NoticeTests {
    final class Capture: LogHandler, @unchecked Sendable {
        // Guarded by the mutex; the handler's own settings are set before use.
        let messages = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            self.messages.withLock { $0.append(event.message.description) }
        }
    }

    @Test("RAISE NOTICE and WARNING reach the connection's logger")
    func noticesAreLogged() throws {
        let capture = Capture()
        let logger = Logger(label: "notices") { _ in capture }
        let connection = try Connection.connect(ConnectionConfiguration(conninfo: SharedDatabase.database.url), logger: logger)
        try connection.execute("DO $$ BEGIN RAISE NOTICE 'hello from the server'; RAISE WARNING 'careful'; END $$")
        let messages = capture.messages.withLock { $0 }
        #expect(messages.contains("postgres: hello from the server"))
        #expect(messages.contains("postgres: careful"))
    }
}
