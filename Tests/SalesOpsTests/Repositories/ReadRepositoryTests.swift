import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Read repositories return what the imports stored")
struct ReadRepositoryTests {
    @Test("accounts, leads, activities, surveys and spend read back, and spend can be set")
    func readBack() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        try connection.withTenant(org.id) { session in
            let kraft = try AccountRepository(session: session).get(externalID: "a-kraft")
            #expect(kraft.referredByExternalID == "a-bosch" && kraft.ownerRepExternalID == "r-jonas" && kraft.churnedAt == nil)
            #expect(try AccountRepository(session: session).get(externalID: "a-sauna").churnedAt.map(TimestampFormat.rfc3339) == "2026-10-15T06:00:00Z")
            #expect(try AccountRepository(session: session).list(ownerRepExternalID: "r-anna").map(\.externalID) == ["a-alpen", "a-bosch"])
            let lead = try LeadRepository(session: session).get(externalID: "l-3")
            #expect(lead.disqualifiedAt != nil && lead.accountExternalID == nil && lead.ownerRepExternalID == "r-mika")
            #expect(try LeadRepository(session: session).list().first?.externalID == "l-5")
            let activities = try ActivityRepository(session: session).list(repExternalID: "r-lea")
            #expect(activities.map(\.externalID) == ["act-11", "act-9", "act-2", "act-1"])
            #expect(activities.first?.outcome == .positiveReply)
            #expect(try SurveyResponseRepository(session: session).list(kind: .enps).map(\.score).sorted() == [6, 9])
            let spend = SpendRepository(session: session)
            try spend.set(month: LocalDate(year: 2026, month: 11, day: 1)!, channel: "events", category: .marketing, amount: 1234.5)
            #expect(try spend.list().count == 11)
            #expect(throws: SalesOpsError.self) { try spend.set(month: LocalDate(year: 2026, month: 11, day: 2)!, channel: "x", category: .sales, amount: 1) }
        }
        let refused = #expect(throws: SalesOpsError.self) {
            try connection.withTenant(org.id) { try AccountRepository(session: $0).delete(externalID: "a-alpen") }
        }
        #expect(refused?.description.hasPrefix("account 'a-alpen' still has") == true)
        #expect(try connection.withTenant(org.id) { try AccountRepository(session: $0).get(externalID: "a-alpen") }.name == "Alpen Retail GmbH")
    }
}
