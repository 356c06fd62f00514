import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Imports store what the files say and are idempotent")
struct ImportRoundTripTests {
    @Test("every kind imports the demo files and the values read back exactly")
    func roundTrip() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let reports = try ImportFixture.importDemo(into: org, connection: connection)
        #expect(reports.map(\.kind) == ImportKind.allCases)
        #expect(reports.allSatisfy { $0.rows > 0 && $0.inserted == $0.rows && $0.updated == 0 })

        try connection.withTenant(org.id) { session in
            let deal = try DealRepository(session: session).get(externalID: "d-1005")
            #expect(deal.amount == Decimal(string: "27500.50")!)
            #expect(deal.stage == "Proposal" && deal.stageKind == .open && deal.closedAt == nil)
            #expect(TimestampFormat.rfc3339(deal.createdAt) == "2026-10-15T09:00:00Z")
            let won = try DealRepository(session: session).get(externalID: "d-1006")
            #expect(won.type == .crossSell && won.stageKind == .won && won.closedAt != nil)

            let dach = try TeamRepository(session: session).get(externalID: "dach")
            #expect(dach.parentExternalID == "emea")
            let lea = try RepRepository(session: session).get(externalID: "r-lea")
            #expect(lea.name == "Léa Martin" && lea.role == .sdr && lea.teamExternalID == "sdr-emea")
            #expect(try RepRepository(session: session).get(externalID: "r-mika").leftOn == LocalDate(year: 2026, month: 8, day: 31))

            let stages = try PipelineRepository(session: session).stages(pipeline: "New Business")
            #expect(stages.map(\.name) == ["Qualification", "Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost"])
            #expect(stages.first { $0.name == "Closed Won" }?.probability == 100)
            #expect(stages.first { $0.name == "Closed Lost" }?.probability == 0)
            #expect(stages.first { $0.name == "Proposal" }?.probability == 50)

            let history = try DealRepository(session: session).stageChanges(externalID: "d-1002")
            #expect(history.map(\.toStage) == ["Proposal", "Discovery", "Proposal", "Closed Won"])

            let c = session.connection
            let lead = try c.query("SELECT name, source FROM salesops.leads WHERE external_id = 'l-4'").rows[0]
            #expect(try lead.decode("name", as: String.self) == "Müller, Hans")
            let referral = try c.query("""
                SELECT r.external_id FROM salesops.accounts a JOIN salesops.accounts r ON r.org_id = a.org_id AND r.id = a.referred_by_id
                WHERE a.external_id = 'a-kraft'
                """).rows[0]
            #expect(try referral.decode("external_id", as: String.self) == "a-bosch")
            let spend = try c.query("SELECT sum(amount) AS total, min(month) AS first FROM salesops.spend").rows[0]
            #expect(try spend.decode("total", as: Decimal.self) == Decimal(string: "266100.00")!)
            #expect(try spend.decode("first", as: LocalDate.self) == LocalDate(year: 2026, month: 8, day: 1))
            let targets = try TargetRepository(session: session).list(scope: .rep("r-jonas"))
            #expect(targets.count == 1 && targets[0].periodKind == "week" && targets[0].periodStart == LocalDate(year: 2026, month: 11, day: 16))
            let surveys = try c.query("SELECT kind, sum(score) AS total FROM salesops.survey_responses GROUP BY kind ORDER BY kind").rows
            #expect(try surveys.map { "\(try $0.decode("kind", as: String.self))=\(try $0.decode("total", as: Int.self))" } == ["csat=8", "enps=15", "nps=22"])
            let outcomes = try c.query("SELECT count(*) FILTER (WHERE outcome = 'positive_reply') AS positive FROM salesops.activities").rows[0]
            #expect(try outcomes.decode("positive", as: Int.self) == 3)
        }
    }

    @Test("a second import of the same files changes nothing and rewrites no row")
    func secondImportChangesNothing() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        let before = try ImportFixture.fingerprint(of: org, connection: connection)
        let xminBefore = try connection.withOrg(org.id) { try $0.query("SELECT string_agg(xmin::text, ',' ORDER BY id) AS x FROM salesops.deals").rows[0].decode("x", as: String.self) }
        let reports = try ImportFixture.importDemo(into: org, connection: connection)
        #expect(reports.allSatisfy { $0.inserted == 0 && $0.updated == 0 && $0.unchanged == $0.rows })
        #expect(try ImportFixture.fingerprint(of: org, connection: connection) == before)
        let xminAfter = try connection.withOrg(org.id) { try $0.query("SELECT string_agg(xmin::text, ',' ORDER BY id) AS x FROM salesops.deals").rows[0].decode("x", as: String.self) }
        #expect(xminAfter == xminBefore, "an unchanged deal was rewritten")
    }

    @Test("a row whose external id exists updates that entity")
    func updatesByExternalID() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        let report = try ImportFixture.importText("""
            external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at,closed_at
            d-1005,Alpen stores,a-alpen,r-jonas,New Business,Closed Won,30000.00,2026-10-15T11:00:00+02:00,2026-11-20T10:00:00Z
            d-2000,New one,a-alpen,r-jonas,New Business,Qualification,100,2026-11-19T10:00:00Z,
            """, kind: .deals, org: org, connection: connection)
        #expect(report.inserted == 1 && report.updated == 1 && report.rows == 2)
        let deal = try connection.withTenant(org.id) { try DealRepository(session: $0).get(externalID: "d-1005") }
        #expect(deal.amount == 30000 && deal.ownerRepExternalID == "r-jonas" && deal.stageKind == .won)
        #expect(deal.contractMonths == 12 && deal.type == .new)
    }

    @Test("CRLF line ends, a BOM, quoted commas, quotes and line breaks inside fields all parse")
    func rfc4180Details() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let text = "\u{FEFF}external_id,name,kind\r\n\"t-1\",\"North, \"\"Central\"\"\r\nand more\",field\r\n\r\nt-2,Süd,bdr\r\n"
        let report = try ImportFixture.importText(text, kind: .teams, org: org, connection: connection)
        #expect(report.rows == 2 && report.inserted == 2)
        let teams = try connection.withTenant(org.id) { try TeamRepository(session: $0).list() }
        #expect(teams.map(\.name) == ["North, \"Central\"\r\nand more", "Süd"])
    }

    @Test("stdin-style streaming: a large file imports with progress callbacks")
    func progressIsReported() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        var text = "external_id,name\n"
        for index in 0..<2500 { text += "t-\(index),Team \(index)\n" }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        nonisolated(unsafe) var calls: [Int] = []
        let report = try Importer(connection: connection, progressInterval: 1000) { rows, _ in calls.append(rows) }
            .run(.teams, orgID: org.id, handle: try FileHandle(forReadingFrom: url), fileName: "teams.csv")
        #expect(report.inserted == 2500)
        #expect(calls == [1000, 2000])
    }

    @Test("a parent defined later in the same file links, and moving a team to another parent counts as one update")
    func selfReferencesInOneFile() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let first = try ImportFixture.importText("external_id,name,parent_external_id\nchild,Child,parent\nparent,Parent,\n",
                                                 kind: .teams, org: org, connection: connection)
        #expect(first.inserted == 2 && first.updated == 0)
        let moved = try ImportFixture.importText("external_id,name,parent_external_id\nchild,Child,\nparent,Parent,child\n",
                                                 kind: .teams, org: org, connection: connection)
        #expect(moved.inserted == 0 && moved.updated == 2)
        let teams = try connection.withTenant(org.id) { try TeamRepository(session: $0).list() }
        #expect(teams.map { "\($0.externalID)<\($0.parentExternalID ?? "-")" } == ["child<-", "parent<child"])
    }
}
