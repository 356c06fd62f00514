import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Repositories keep the data model's rules")
struct RepositoryTests {
    @Test("moving a deal records the change and sets or clears closed_at by the stage kind")
    func dealMoves() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        try connection.withTenant(org.id) { session in
            let deals = DealRepository(session: session)
            let won = try deals.move(externalID: "d-1005", toStage: "Closed Won", at: TimestampFormat.date("2026-11-20T10:00:00Z")!)
            #expect(won.stageKind == .won && won.closedAt.map(TimestampFormat.rfc3339) == "2026-11-20T10:00:00Z")
            let reopened = try deals.move(externalID: "d-1005", toStage: "Negotiation", at: TimestampFormat.date("2026-11-21T10:00:00Z")!)
            #expect(reopened.stageKind == .open && reopened.closedAt == nil)
            let history = try deals.stageChanges(externalID: "d-1005")
            #expect(history.suffix(2).map { "\($0.fromStage ?? "-")→\($0.toStage)" } == ["Proposal→Closed Won", "Closed Won→Negotiation"])
            let unknownStage = #expect(throws: UnknownName.self) {
                try deals.move(externalID: "d-1005", toStage: "Won", at: Date())
            }
            #expect(unknownStage?.description == "stage 'Won' is not a stage of pipeline 'New Business'; did you mean 'Closed Won'?")
            #expect(unknownStage?.isMissingEntity == true)
            #expect(throws: SalesOpsError.self) {
                try deals.move(externalID: "d-1005", toStage: "Proposal", at: TimestampFormat.date("2020-01-01T00:00:00Z")!)
            }
        }
    }

    @Test("org creation validates every field and refuses a taken slug")
    func orgValidation() throws {
        let connection = try SharedDatabase.connect()
        let existing = try SharedDatabase.makeOrg(on: connection)
        let attempts: [(NewOrg, SalesOpsError?)] = [
            (NewOrg(slug: existing.slug, name: "Again"), .conflict("an org with slug '\(existing.slug)' already exists")),
            (NewOrg(slug: "ok-slug-\(existing.id)", name: "X", timezone: "Mars/Olympus"), nil),
            (NewOrg(slug: "A", name: "X"), nil),
            (NewOrg(slug: "ok-\(existing.id)", name: "X", currency: "usd"), nil),
            (NewOrg(slug: "ok-\(existing.id)", name: "X", fiscalYearStartMonth: 13), nil),
        ]
        for (org, expected) in attempts {
            let error = #expect(throws: SalesOpsError.self) {
                try connection.withApplicationRole { try OrgRepository(connection: $0).create(org) }
            }
            if let expected { #expect(error == expected) }
        }
        #expect(try connection.withApplicationRole { try OrgRepository(connection: $0).find(slug: "ok-\(existing.id)") } == nil)
    }

    @Test("a team cannot become its own ancestor, and a team with reps cannot be deleted")
    func teamRules() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        #expect(throws: SalesOpsError.invalidInput("the parent chain would loop back to the team")) {
            try connection.withTenant(org.id) { session in
                try TeamRepository(session: session).update(externalID: "emea", name: nil, parent: .set("dach"), kind: nil)
            }
        }
        #expect(throws: SalesOpsError.invalidInput("team 'nordics' still has reps")) {
            try connection.withTenant(org.id) { try TeamRepository(session: $0).delete(externalID: "nordics") }
        }
        try connection.withTenant(org.id) { session in
            let created = try TeamRepository(session: session).create(externalID: nil, name: "Temp", parentExternalID: "emea")
            #expect(created.externalID.hasPrefix("team-"))
            try TeamRepository(session: session).delete(externalID: created.externalID)
        }
    }

    @Test("targets take the fiscal calendar into their periods and replace values in place")
    func targets() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, fiscalYearStartMonth: 4)
        try ImportFixture.importDemo(into: org, connection: connection)
        try connection.withTenant(org.id) { session in
            let targets = TargetRepository(session: session)
            let year = try targets.set(scope: .team("dach"), metric: "revenue", period: "2026", value: 1_000_000)
            #expect(year.periodStart == LocalDate(year: 2026, month: 4, day: 1) && year.periodEnd == LocalDate(year: 2027, month: 3, day: 31))
            let quarter = try targets.set(scope: .org, metric: "win_rate", period: "2026-Q4", value: 30)
            #expect(quarter.periodStart == LocalDate(year: 2027, month: 1, day: 1))
            let replaced = try targets.set(scope: .team("dach"), metric: "revenue", period: "2026", value: 1_200_000)
            #expect(replaced.id == year.id && replaced.value == 1_200_000)
            #expect(throws: UnknownName.self) { try targets.set(scope: .org, metric: "happiness", period: "2026", value: 1) }
            #expect(throws: SalesOpsError.self) { try targets.set(scope: .org, metric: "revenue", period: "2025-W53", value: 1) }
            try targets.delete(scope: .team("dach"), metric: "revenue", period: "2026")
            #expect(throws: SalesOpsError.self) { try targets.delete(scope: .team("dach"), metric: "revenue", period: "2026") }
        }
    }

    @Test("a stage's kind change moves its deals' stage_kind with it, by stage update and by the stages import")
    func stageKindChangeMovesDeals() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        func kinds(_ stage: String) throws -> [String] {
            try connection.query("""
                SELECT DISTINCT d.stage_kind FROM salesops.deals d
                JOIN salesops.stages s ON s.org_id = d.org_id AND s.id = d.stage_id
                WHERE d.org_id = \(org.id) AND s.name = \(stage) ORDER BY 1
                """).rows.map { try $0.decode("stage_kind", as: String.self) }
        }
        #expect(try kinds("Closed Lost") == ["lost"])
        _ = try connection.withTenant(org.id) { session in
            try PipelineRepository(session: session).updateStage(pipeline: "New Business", name: "Closed Lost", newName: nil,
                                                                 position: nil, kind: .won, probability: nil)
        }
        #expect(try kinds("Closed Lost") == ["won"])
        #expect(try kinds("Won") == ["won"])
        _ = try ImportFixture.importText("pipeline,name,position,kind,probability\nNew Business,Closed Lost,6,lost,\nExpansion,Won,2,lost,\n",
                                         kind: .stages, org: org, connection: connection)
        #expect(try kinds("Closed Lost") == ["lost"])
        #expect(try kinds("Won") == ["lost"])
    }

    @Test("a stage's kind cannot change while deals in it would break the closed_at rule")
    func stageKindChangeGuard() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        let error = #expect(throws: SalesOpsError.self) {
            try connection.withTenant(org.id) { session in
                try PipelineRepository(session: session).updateStage(pipeline: "New Business", name: "Proposal", newName: nil,
                                                                     position: nil, kind: .won, probability: nil)
            }
        }
        #expect(error?.description.contains("closed_at is set iff the stage is won or lost") == true)
        let stage = try connection.withTenant(org.id) { try PipelineRepository(session: $0).stage(pipeline: "New Business", name: "Proposal") }
        #expect(stage.kind == .open)
    }
}
