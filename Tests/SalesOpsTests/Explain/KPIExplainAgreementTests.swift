import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Explain is a second, record-level implementation of every definition: for each stored
/// number of a materialized org, its totals must equal the stored numerator and denominator
/// (and value). A disagreement is a bug in one of the two.
@Suite("Explain agrees with the engine on every stored number")
struct KPIExplainAgreementTests {
    /// Hand-made edge cases: local midnights, DST days, a rep who changed team, a reopened
    /// deal, a same-day win and churn, fiscal quarters, quotas, surveys and spend.
    static func edgeCaseOrg(timezone: String, fiscalYearStartMonth: Int) throws -> (Connection, Org) {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: timezone, fiscalYearStartMonth: fiscalYearStartMonth)
        func load(_ kind: ImportKind, _ text: String) throws {
            _ = try ImportFixture.importText(text, kind: kind, org: org, connection: connection)
        }
        try load(.teams, "external_id,name,parent_external_id\nemea,EMEA,\ndach,DACH,emea\nus,US,\n")
        try load(.reps, """
            external_id,name,email,team_external_id,hired_on,left_on
            r-a,A,a@x.example,dach,2025-01-10,
            r-b,B,b@x.example,emea,2026-03-30,
            r-c,C,c@x.example,us,2024-06-01,2026-10-26
            r-d,D,d@x.example,us,2026-10-24,
            r-moved,M,m@x.example,us,2023-02-01,

            """)
        try load(.accounts, """
            external_id,name,owner_rep_external_id,region,source,referred_by_external_id,churned_at
            a-1,One,r-a,EU,web,,
            a-2,Two,r-b,EU,,a-1,2026-10-25T21:30:00Z
            a-3,Three,r-c,US,event,,2026-10-28T10:00:00Z
            a-4,Four,,,,,
            a-5,Five,r-moved,US,web,,2026-03-29T00:30:00Z

            """)
        try load(.stages, "pipeline,name,position,kind,probability\nP,Open,1,open,10\nP,Demo,2,open,40\nP,Won,3,won,\nP,Lost,4,lost,\n")
        try load(.deals, """
            external_id,owner_rep_external_id,account_external_id,pipeline,stage,amount,type,product,contract_months,created_at,closed_at
            d-1,r-a,a-1,P,Won,1000,new,Core,12,2026-03-28T23:30:00Z,2026-03-29T00:30:00Z
            d-2,r-b,a-2,P,Won,500,upsell,Addon,24,2026-10-20T10:00:00Z,2026-10-25T12:00:00Z
            d-3,r-c,a-3,P,Lost,700,new,,12,2026-10-01T08:00:00Z,2026-10-26T23:59:00Z
            d-4,r-moved,a-1,P,Won,300,cross_sell,Core,6,2026-10-10T08:00:00Z,2026-10-31T18:45:00Z
            d-reopened,r-a,a-3,P,Demo,900,renewal,Core,12,2026-10-02T08:00:00Z,
            d-5,r-d,a-4,P,Open,250,new,,12,2026-10-30T11:00:00Z,
            d-6,r-a,a-1,P,Won,2000,new,Core,36,2025-11-01T08:00:00Z,2026-01-15T08:00:00Z
            d-7,r-moved,a-5,P,Won,800,new,Core,12,2026-03-20T08:00:00Z,2026-03-28T23:45:00Z
            d-8,r-c,a-3,P,Won,1200,new,Core,12,2025-09-01T08:00:00Z,2025-12-01T08:00:00Z

            """)
        try load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            d-2,Open,Demo,2026-10-22T23:30:00Z
            d-2,Demo,Won,2026-10-25T12:00:00Z
            d-3,Open,Lost,2026-10-26T23:59:00Z
            d-reopened,Open,Won,2026-10-24T09:00:00Z
            d-reopened,Won,Demo,2026-10-27T09:00:00Z
            d-5,Open,Demo,2026-10-31T11:00:00Z
            d-1,Open,Won,2026-03-29T00:30:00Z

            """)
        try load(.leads, """
            external_id,owner_rep_external_id,source,created_at,mql_at,sql_at,first_response_at,converted_at,disqualified_at
            l-1,r-a,web,2026-10-24T22:50:00Z,2026-10-25T01:00:00Z,2026-10-26T09:00:00Z,2026-10-24T23:20:00Z,2026-10-27T09:00:00Z,
            l-2,r-b,event,2026-03-29T00:10:00Z,2026-03-29T05:00:00Z,,2026-03-29T06:00:00Z,,2026-03-31T09:00:00Z
            l-3,,,2026-10-31T12:00:00Z,,,,,
            l-4,r-moved,web,2026-10-25T00:59:00Z,2026-10-25T02:30:00Z,,,2026-10-30T10:00:00Z,

            """)
        try load(.activities, """
            external_id,rep_external_id,kind,occurred_at,lead_external_id,account_external_id,deal_external_id,outcome
            x-1,r-a,call,2026-10-25T00:30:00Z,l-1,,,positive_reply
            x-2,r-b,meeting,2026-10-24T15:00:00Z,,a-2,d-2,accepted
            x-3,r-d,demo,2026-10-31T10:59:00Z,,a-4,d-5,none
            x-4,r-c,email,2026-03-29T01:00:00Z,,a-3,,negative_reply
            x-5,r-a,email,2026-10-25T03:00:00Z,,,d-2,positive_reply
            x-6,r-b,demo,2026-10-25T12:30:00Z,,a-2,d-2,completed
            x-7,r-moved,call,2026-10-31T18:00:00Z,l-4,a-1,d-4,negative_reply
            x-8,r-b,proposal,2026-03-30T22:30:00Z,l-2,,,none

            """)
        try load(.surveys, """
            external_id,kind,score,responded_at,account_external_id,rep_external_id
            s-1,nps,10,2026-10-25T23:30:00Z,a-1,
            s-2,nps,3,2026-10-26T10:00:00Z,a-2,
            s-3,csat,5,2026-10-27T10:00:00Z,a-4,
            s-4,enps,9,2026-10-28T10:00:00Z,,r-a
            s-5,enps,2,2026-03-30T10:00:00Z,,r-c
            s-6,nps,7,2026-03-29T00:15:00Z,a-5,

            """)
        try load(.spend, "month,channel,category,amount\n2026-10,ads,marketing,1000\n2026-10,events,sales,500\n2026-03,ads,marketing,200\n")
        try load(.targets, """
            scope,scope_external_id,metric,period,value
            rep,r-a,revenue,2026-10,1000
            rep,r-b,revenue,2026-10,100000
            rep,r-moved,revenue,2026-10,300
            rep,r-c,revenue,2026-Q3,5

            """)
        // r-moved changed team after its deals: its items count toward its current team.
        try load(.reps, "external_id,name,email,team_external_id,hired_on\nr-moved,M,m@x.example,dach,2023-02-01\n")
        let materializer = KPIMaterializer(connection: connection)
        _ = try materializer.materialize(org: org, from: LocalDate("2026-03-27")!, to: LocalDate("2026-04-02")!)
        _ = try materializer.materialize(org: org, from: LocalDate("2026-10-22")!, to: LocalDate("2026-11-02")!)
        return (connection, org)
    }

    @Test("edge cases in UTC+05:30, UTC+13:00 and Berlin (DST), fiscal years from April and January",
          arguments: [("Asia/Kolkata", 4), ("Pacific/Tongatapu", 1), ("Europe/Berlin", 4), ("America/New_York", 10)])
    func edgeCases(timezone: String, fiscalYearStartMonth: Int) throws {
        let (connection, org) = try Self.edgeCaseOrg(timezone: timezone, fiscalYearStartMonth: fiscalYearStartMonth)
        let (checked, disagreements) = try ExplainAgreement(connection: connection, org: org).check()
        #expect(checked > 500, "only \(checked) stored numbers")
        let missing = try ExplainAgreement(connection: connection, org: org).checkMissingRows(kinds: ["week", "month", "quarter", "year"])
        #expect(missing.checked > 500, "only \(missing.checked) numbers without a row")
        #expect(missing.disagreements.isEmpty, Comment(rawValue: missing.disagreements.prefix(25).map(\.description).joined(separator: "\n")))
        #expect(disagreements.isEmpty, Comment(rawValue: "\(disagreements.count) of \(checked) disagree:\n" + disagreements.prefix(25).map(\.description).joined(separator: "\n")))
    }

    @Test("a number changed after the run disagrees: the check can fail")
    func changedDataDisagrees() throws {
        let (connection, org) = try Self.edgeCaseOrg(timezone: "UTC", fiscalYearStartMonth: 1)
        try connection.withTenant(org.id) { session in
            try session.connection.execute("UPDATE salesops.deals SET amount = amount + 1 WHERE external_id = 'd-2'")
        }
        let (_, disagreements) = try ExplainAgreement(connection: connection, org: org).check()
        let found = Set(disagreements.map { $0.what.split(separator: " ")[1] })
        #expect(found.isSuperset(of: ["revenue", "average_deal_size", "expansion_revenue"]), "\(found.sorted())")
        #expect(!found.contains("deals_won"))
    }

    @Test("the demo org: every stored number of org and team scopes and of four reps")
    func demoOrg() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: "Europe/Berlin", fiscalYearStartMonth: 4)
        try ImportFixture.importGenerated(DemoDataGenerator(reps: 12, days: 400, lastDay: LocalDate("2026-11-20")!, seed: 7), into: org, connection: connection)
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-10-30")!, to: LocalDate("2026-11-02")!)
        let reps = try connection.withTenant(org.id) { session in Set(try RepRepository(session: session).list().prefix(4).map(\.externalID)) }
        let (checked, disagreements) = try ExplainAgreement(connection: connection, org: org).check(reps: reps)
        #expect(checked > 1000, "only \(checked) stored numbers")
        #expect(disagreements.isEmpty, Comment(rawValue: "\(disagreements.count) of \(checked) disagree:\n" + disagreements.prefix(25).map(\.description).joined(separator: "\n")))
    }
}
