import Foundation
@testable import PostgresClient
import Testing
import TestSupport

@Suite("The user's connection options are kept; the client's pinned settings still win")
struct ConnectionOptionsTests {
    @Test("options in a URI apply (statement_timeout), and the pinned time zone and date style stay")
    func optionsInURI() throws {
        var components = URLComponents(string: SharedDatabase.database.url)!
        components.queryItems = [URLQueryItem(name: "options", value: "-c statement_timeout=300 -c TimeZone=Asia/Tokyo")]
        let connection = try Connection.connect(ConnectionConfiguration(conninfo: components.string!), logger: TestCluster.logger)
        defer { connection.close() }
        let row = try connection.query("""
            SELECT current_setting('statement_timeout') AS timeout, current_setting('TimeZone') AS zone,
                   current_setting('DateStyle') AS style
            """).rows[0]
        #expect(try row.decode("timeout", as: String.self) == "300ms")
        #expect(try row.decode("zone", as: String.self) == "UTC")
        #expect(try row.decode("style", as: String.self) == "ISO, MDY")
        #expect(throws: PostgresError.self) { try connection.execute("SELECT pg_sleep(1)") }
    }

    @Test("the conninfo's options win over PGOPTIONS, which applies when the conninfo has none")
    func optionSources() {
        let environment = ["PGOPTIONS": "-c work_mem=8MB"]
        #expect(ConnectionConfiguration.userOptions(conninfo: "host=x options='-c lock_timeout=5s'", environment: environment)
                == "-c lock_timeout=5s")
        #expect(ConnectionConfiguration.userOptions(conninfo: "postgresql://u@h/db?options=-c%20lock_timeout%3D5s",
                                                    environment: environment) == "-c lock_timeout=5s")
        #expect(ConnectionConfiguration.userOptions(conninfo: "host=x", environment: environment) == "-c work_mem=8MB")
        #expect(ConnectionConfiguration.userOptions(conninfo: "", environment: [:]) == nil)
    }
}
