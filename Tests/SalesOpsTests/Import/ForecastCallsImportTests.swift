import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("forecast_calls and expected_close_on imports: all or nothing, idempotent, errors with line and column")
struct ForecastCallsImportTests {
    static let header = "rep_external_id,team_external_id,period,category,amount,submitted_at\n"

    @Test("rep and manager calls are stored by (scope, period, category, submitted_at); a re-import changes nothing")
    func storedAndIdempotent() throws {
        let fixture = try KPIFixture(timezone: "Europe/Berlin")
        let file = Self.header + """
            r-dach,dach,2026-Q1,commit,1200.50,2026-01-10T09:00:00Z
            r-dach,,2026-Q1,commit,1300,2026-01-17T09:00:00Z
            r-dach,,2026-Q1,best_case,1800,2026-01-17T09:00:00Z
            ,emea,2026-Q1,commit,5000,2026-01-18T09:00:00Z
            """ + "\n"
        let first = try ImportFixture.importText(file, kind: .forecastCalls, org: fixture.org, connection: fixture.connection)
        #expect((first.inserted, first.updated) == (4, 0))
        let again = try ImportFixture.importText(file, kind: .forecastCalls, org: fixture.org, connection: fixture.connection)
        #expect((again.inserted, again.updated) == (0, 0))
        // A changed amount for the same key is an update, not a second call.
        let changed = try ImportFixture.importText(Self.header + "r-dach,,2026-Q1,best_case,1900,2026-01-17T09:00:00Z\n",
                                                   kind: .forecastCalls, org: fixture.org, connection: fixture.connection)
        #expect((changed.inserted, changed.updated) == (0, 1))
        let stored = try fixture.connection.withOrg(fixture.org.id) { connection in
            try connection.query("""
                SELECT scope_kind || ':' || category || ':' || amount AS call FROM salesops.forecast_calls
                WHERE org_id = \(fixture.org.id) ORDER BY submitted_at, category
                """).rows.map { try $0.decode("call", as: String.self) }
        }
        #expect(stored == ["rep:commit:1200.50", "rep:best_case:1900.00", "rep:commit:1300.00", "team:commit:5000.00"])
    }

    @Test("a bad call names its line, column and value and nothing of the file is written",
          arguments: [
              ("r-nobody,,2026-Q1,commit,1,2026-01-10T09:00:00Z", "rep_external_id", "no rep with this external id"),
              (",,2026-Q1,commit,1,2026-01-10T09:00:00Z", "rep_external_id", "is required unless team_external_id"),
              ("r-dach,,2026-Q5,commit,1,2026-01-10T09:00:00Z", "period", "not a period"),
              ("r-dach,,2026-Q1,maybe,1,2026-01-10T09:00:00Z", "category", "commit"),
              ("r-dach,,2026-Q1,commit,-1,2026-01-10T09:00:00Z", "amount", "must not be negative"),
              ("r-dach,nowhere,2026-Q1,commit,1,2026-01-10T09:00:00Z", "team_external_id", "no team with this external id"),
          ])
    func refused(_ line: String, _ column: String, _ message: String) throws {
        let fixture = try KPIFixture(timezone: "UTC")
        let before = try ImportFixture.fingerprint(of: fixture.org, connection: fixture.connection)
        let failure = #expect(throws: ImportFailure.self) {
            try ImportFixture.importText(Self.header + "r-dach,,2026-Q1,commit,1,2026-01-01T09:00:00Z\n" + line + "\n",
                                         kind: .forecastCalls, org: fixture.org, connection: fixture.connection)
        }
        let problem = try #require(failure?.problems.first)
        #expect(problem.line == 3 && problem.column == column)
        #expect(problem.message.contains(message), "got: \(problem.message)")
        #expect(try ImportFixture.fingerprint(of: fixture.org, connection: fixture.connection) == before)
    }

    @Test("a deal's expected close date is imported, re-imported without change, and shown")
    func expectedCloseOn() throws {
        let fixture = try KPIFixture(timezone: "UTC")
        let file = "external_id,owner_rep_external_id,stage,amount,created_at,account_external_id,pipeline,expected_close_on\n"
            + "d-1,r-dach,Open,100,2026-01-05T10:00:00Z,a-1,P,2026-02-20\n"
        #expect(try ImportFixture.importText(file, kind: .deals, org: fixture.org, connection: fixture.connection).inserted == 1)
        #expect(try ImportFixture.importText(file, kind: .deals, org: fixture.org, connection: fixture.connection).updated == 0)
        let deal = try fixture.connection.withTenant(fixture.org.id) { try DealRepository(session: $0).get(externalID: "d-1") }
        #expect(deal.expectedCloseOn == LocalDate("2026-02-20"))
        let moved = file.replacingOccurrences(of: "2026-02-20", with: "2026-03-02")
        #expect(try ImportFixture.importText(moved, kind: .deals, org: fixture.org, connection: fixture.connection).updated == 1)
    }
}
