import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("COPY FROM STDIN streams data and always leaves the connection usable")
struct CopyTests {
    struct Abandoned: Error {}

    @Test("non-ASCII rows stream in chunks and all arrive")
    func nonASCIIRows() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE people (id int, name text)")
        let names = ["Zoë", "Søren", "北京", "🚀 launch", "Ærøskøbing"]
        let rows = try connection.copyIn("COPY people (id, name) FROM STDIN", chunkSize: 16) { writer in
            for id in 0..<1000 {
                try writer.write("\(id)\t\(names[id % names.count])\n")
            }
            #expect(writer.bytesSent > 0)
        }
        #expect(rows == 1000)
        let stored = try connection.query("SELECT name, count(*) AS n FROM people GROUP BY name ORDER BY name").rows
        #expect(try stored.map { try $0.decode("name", as: String.self) }.sorted() == names.sorted())
        #expect(try stored.allSatisfy { try $0.decode("n", as: Int.self) == 200 })
    }

    @Test("a body that throws abandons the copy: nothing is stored and the error comes through")
    func abandonedCopy() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int)")
        #expect(throws: Abandoned.self) {
            try connection.copyIn("COPY t FROM STDIN") { writer in
                try writer.write("1\n2\n")
                throw Abandoned()
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM t").rows[0].decode("n", as: Int.self) == 0)
    }

    @Test("data the server refuses gives its error and the connection stays usable")
    func refusedData() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.execute("CREATE TABLE t (v int)")
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY t FROM STDIN") { try $0.write("1\nnot a number\n") }
        }
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(try connection.query("SELECT 1 AS one").rows[0].decode("one", as: Int.self) == 1)
    }
}
