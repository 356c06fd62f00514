import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

/// One malformed file: what it holds and the first problem it must report.
struct MalformedFile: CustomTestStringConvertible, Sendable {
    var name: String
    var kind: ImportKind
    var bytes: [UInt8]
    var line: Int
    var column: String?
    var message: String

    init(_ name: String, _ kind: ImportKind, _ text: String, line: Int, column: String?, message: String) {
        self.init(name, kind, bytes: Array(text.utf8), line: line, column: column, message: message)
    }

    init(_ name: String, _ kind: ImportKind, bytes: [UInt8], line: Int, column: String?, message: String) {
        self.name = name
        self.kind = kind
        self.bytes = bytes
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { self.name }

    static let deals = "external_id,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at,closed_at\n"
    static let all: [MalformedFile] = [
        .init("empty file", .teams, "", line: 1, column: nil, message: "the file is empty"),
        .init("unknown column", .teams, "external_id,name,colour\nt,T,red\n", line: 1, column: "colour", message: "unknown column"),
        .init("missing required column", .teams, "external_id\nt\n", line: 1, column: "name", message: "required column is missing"),
        .init("column twice in header", .teams, "external_id,name,name\nt,T,T\n", line: 1, column: "name", message: "appears twice"),
        .init("duplicate external id in one file", .teams, "external_id,name\nt-9,A\nt-9,B\n", line: 3, column: "external_id", message: "duplicate external id in this file (first on line 2)"),
        .init("unknown parent team", .teams, "external_id,name,parent_external_id\nt-9,A,ghost\n", line: 2, column: "parent_external_id", message: "no team with this external id"),
        .init("parent cycle inside the file", .teams, "external_id,name,parent_external_id\nt-x,X,t-y\nt-y,Y,t-x\n", line: 2, column: "parent_external_id", message: "loops back"),
        .init("parent cycle through stored teams", .teams, "external_id,name,parent_external_id\nemea,EMEA,dach\n", line: 2, column: "parent_external_id", message: "loops back"),
        .init("unknown team kind", .teams, "external_id,name,kind\nt-9,A,sales\n", line: 2, column: "kind", message: "must be one of: field, bdr, sdr, account_management, other"),
        .init("impossible date", .reps, "external_id,name,email,hired_on\nr-9,A,a9@x.example,2026-02-30\n", line: 2, column: "hired_on", message: "not a date"),
        .init("left before hired", .reps, "external_id,name,email,hired_on,left_on\nr-9,A,a9@x.example,2026-02-10,2026-02-01\n", line: 2, column: "left_on", message: "left_on is before hired_on"),
        .init("duplicate email in one file", .reps, "external_id,name,email,hired_on\nr-8,A,same@x.example,2026-01-01\nr-9,B,SAME@x.example,2026-01-01\n", line: 3, column: "email", message: "duplicate email"),
        .init("email of another stored rep", .reps, "external_id,name,email,hired_on\nr-9,A,anna@acme.example,2026-01-01\n", line: 2, column: "email", message: "rep r-anna already has this email"),
        .init("unknown team of a rep", .reps, "external_id,name,email,team_external_id,hired_on\nr-9,A,a9@x.example,ghost,2026-01-01\n", line: 2, column: "team_external_id", message: "no team with this external id"),
        .init("required value empty", .reps, "external_id,name,email,hired_on\nr-9,,a9@x.example,2026-01-01\n", line: 2, column: "name", message: "a value is required"),
        .init("unknown owner rep", .accounts, "external_id,name,owner_rep_external_id\na-9,A,ghost\n", line: 2, column: "owner_rep_external_id", message: "no rep with this external id"),
        .init("timestamp with a space", .accounts, "external_id,name,churned_at\na-9,A,2026-10-15 09:00:00Z\n", line: 2, column: "churned_at", message: "RFC 3339"),
        .init("timestamp without offset", .accounts, "external_id,name,churned_at\na-9,A,2026-10-15T09:00:00\n", line: 2, column: "churned_at", message: "RFC 3339"),
        .init("bad offset", .accounts, "external_id,name,churned_at\na-9,A,2026-10-15T09:00:00+25:00\n", line: 2, column: "churned_at", message: "RFC 3339"),
        .init("position not a number", .stages, "pipeline,name,position,kind\nP,S,first,open\n", line: 2, column: "position", message: "not a whole number"),
        .init("probability above 100", .stages, "pipeline,name,position,kind,probability\nP,S,1,open,150\n", line: 2, column: "probability", message: "probability must be 0–100"),
        .init("duplicate position in one file", .stages, "pipeline,name,position,kind\nP,A,1,open\nP,B,1,open\n", line: 3, column: "position", message: "duplicate position"),
        .init("milestone before creation", .leads, "external_id,created_at,mql_at\nl-9,2026-10-02T00:00:00Z,2026-10-01T00:00:00Z\n", line: 2, column: "mql_at", message: "mql_at is before created_at"),
        .init("unknown account of a lead", .leads, "external_id,created_at,account_external_id\nl-9,2026-10-02T00:00:00Z,ghost\n", line: 2, column: "account_external_id", message: "no account with this external id"),
        .init("negative amount", .deals, deals + "d-9,a-bosch,r-anna,New Business,Proposal,-5,2026-10-01T00:00:00Z,\n", line: 2, column: "amount", message: "must not be negative"),
        .init("amount with a decimal comma", .deals, deals + "d-9,a-bosch,r-anna,New Business,Proposal,\"12,5\",2026-10-01T00:00:00Z,\n", line: 2, column: "amount", message: "not a decimal number"),
        .init("unknown account of a deal", .deals, deals + "d-9,ghost,r-anna,New Business,Proposal,5,2026-10-01T00:00:00Z,\n", line: 2, column: "account_external_id", message: "no account with this external id"),
        .init("won stage without closed_at", .deals, deals + "d-9,a-bosch,r-anna,New Business,Closed Won,5,2026-10-01T00:00:00Z,\n", line: 2, column: "closed_at", message: "closed_at is required: stage Closed Won is won"),
        .init("open stage with closed_at", .deals, deals + "d-9,a-bosch,r-anna,New Business,Proposal,5,2026-10-01T00:00:00Z,2026-10-05T00:00:00Z\n", line: 2, column: "closed_at", message: "closed_at must be empty: stage Proposal is open"),
        .init("stage not in the pipeline", .deals, deals + "d-9,a-bosch,r-anna,New Business,Scoping,5,2026-10-01T00:00:00Z,\n", line: 2, column: "stage", message: "pipeline New Business has no stage with this name"),
        .init("unknown pipeline", .deals, deals + "d-9,a-bosch,r-anna,Renewals,Scoping,5,2026-10-01T00:00:00Z,\n", line: 2, column: "pipeline", message: "no pipeline with this name"),
        .init("closed before created", .deals, deals + "d-9,a-bosch,r-anna,New Business,Closed Lost,5,2026-10-01T00:00:00Z,2026-09-01T00:00:00Z\n", line: 2, column: "closed_at", message: "closed_at is before created_at"),
        .init("zero contract months", .deals, "external_id,account_external_id,owner_rep_external_id,pipeline,stage,amount,created_at,contract_months\nd-9,a-bosch,r-anna,New Business,Proposal,5,2026-10-01T00:00:00Z,0\n", line: 2, column: "contract_months", message: "between 1 and 1200"),
        .init("stage change of an unknown deal", .stageChanges, "deal_external_id,to_stage,changed_at\nghost,Proposal,2026-10-01T00:00:00Z\n", line: 2, column: "deal_external_id", message: "no deal with this external id"),
        .init("stage change into another pipeline's stage", .stageChanges, "deal_external_id,to_stage,changed_at\nd-1005,Scoping,2026-10-01T00:00:00Z\n", line: 2, column: "to_stage", message: "has no stage with this name"),
        .init("unknown activity kind", .activities, "external_id,rep_external_id,kind,occurred_at\nx-9,r-anna,lunch,2026-10-01T00:00:00Z\n", line: 2, column: "kind", message: "must be one of"),
        .init("activity of an unknown lead", .activities, "external_id,rep_external_id,kind,occurred_at,lead_external_id\nx-9,r-anna,call,2026-10-01T00:00:00Z,ghost\n", line: 2, column: "lead_external_id", message: "no lead with this external id"),
        .init("csat score out of range", .surveys, "external_id,kind,score,responded_at\ns-9,csat,7,2026-10-01T00:00:00Z\n", line: 2, column: "score", message: "a csat score must be 1–5"),
        .init("nps score out of range", .surveys, "external_id,kind,score,responded_at\ns-9,nps,11,2026-10-01T00:00:00Z\n", line: 2, column: "score", message: "between 0 and 10"),
        .init("impossible month", .spend, "month,channel,category,amount\n2026-13,web,marketing,5\n", line: 2, column: "month", message: "not a month"),
        .init("duplicate spend key", .spend, "month,channel,category,amount\n2026-10,web,marketing,5\n2026-10,web,marketing,6\n", line: 3, column: "channel", message: "duplicate month, channel and category"),
        .init("unknown metric", .targets, "scope,metric,period,value\norg,happiness,2026-11,5\n", line: 2, column: "metric", message: "not a metric of the KPI catalogue"),
        .init("fifth quarter", .targets, "scope,metric,period,value\norg,revenue,2026-Q5,5\n", line: 2, column: "period", message: "not a period"),
        .init("year 0000", .targets, "scope,metric,period,value\norg,revenue,0000,5\n", line: 2, column: "period", message: "not a period"),
        .init("a month of year 0000", .targets, "scope,metric,period,value\norg,revenue,0000-01,5\n", line: 2, column: "period", message: "not a period"),
        .init("a quarter of year 0000", .targets, "scope,metric,period,value\norg,revenue,0000-Q1,5\n", line: 2, column: "period", message: "not a period"),
        .init("week 53 of a 52-week year", .targets, "scope,metric,period,value\norg,revenue,2025-W53,5\n", line: 2, column: "period", message: "not a period"),
        .init("org scope with an external id", .targets, "scope,scope_external_id,metric,period,value\norg,dach,revenue,2026-11,5\n", line: 2, column: "scope_external_id", message: "must be empty for scope org"),
        .init("rep scope without an external id", .targets, "scope,metric,period,value\nrep,revenue,2026-11,5\n", line: 2, column: "scope_external_id", message: "is required for scope rep"),
        .init("wrong encoding (Latin-1)", .teams, bytes: Array("external_id,name\nt-9,M".utf8) + [0xFC] + Array("ller\n".utf8), line: 2, column: "name", message: "not valid UTF-8"),
        .init("too many fields", .teams, "external_id,name\nt-9,A,extra\n", line: 2, column: nil, message: "has 3 fields, the header has 2"),
        .init("quote never closed", .teams, "external_id,name\nt-9,\"A\nt-10,B\n", line: 2, column: "name", message: "never closed"),
        .init("quote inside an unquoted field", .teams, "external_id,name\nt-9,A\"B\n", line: 2, column: "name", message: "quote inside an unquoted value"),
        .init("text after a closing quote", .teams, "external_id,name\nt-9,\"A\"B\n", line: 2, column: "name", message: "text after its closing quote"),
    ]
}

@Suite("Malformed files are refused with file, line, column and value, and write nothing")
struct ImportRejectionTests {
    @Test("each malformed file names its first problem and leaves the database unchanged", arguments: MalformedFile.all)
    func refused(_ file: MalformedFile) throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        let before = try ImportFixture.fingerprint(of: org, connection: connection)
        let failure = #expect(throws: ImportFailure.self) {
            try ImportFixture.importBytes(file.bytes, kind: file.kind, org: org, connection: connection, name: "bad-\(file.kind.rawValue).csv")
        }
        let first = try #require(failure?.problems.first)
        #expect(first.line == file.line)
        #expect(first.column == file.column)
        #expect(first.message.contains(file.message), "got: \(first.message)")
        #expect(failure?.description.hasPrefix("bad-\(file.kind.rawValue).csv: line \(file.line)") == true)
        #expect(try ImportFixture.fingerprint(of: org, connection: connection) == before)
    }

    @Test("the offending value is shown in the report")
    func valueIsShown() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        try ImportFixture.importDemo(into: org, connection: connection)
        let failure = #expect(throws: ImportFailure.self) {
            try ImportFixture.importText(MalformedFile.deals + "d-9,a-bosch,r-anna,New Business,Proposal,-5,2026-10-01T00:00:00Z,\n",
                                         kind: .deals, org: org, connection: connection, name: "deals.csv")
        }
        #expect(failure?.description.contains("deals.csv: line 2, column amount, value \"-5\": must not be negative") == true)
    }

    @Test("many problems: the first 20 are listed, then the count of the rest")
    func reportIsCapped() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        var text = "external_id,name,kind\n"
        for index in 0..<25 { text += "t-\(index),Team,nonsense\n" }
        let failure = #expect(throws: ImportFailure.self) {
            try ImportFixture.importText(text, kind: .teams, org: org, connection: connection)
        }
        #expect(failure?.problems.count == 20)
        #expect(failure?.totalProblems == 25)
        #expect(failure?.problems.map(\.line) == Array(2...21))
        #expect(failure?.description.contains("… and 5 more problems (25 in all)") == true)
        #expect(try connection.withTenant(org.id) { try TeamRepository(session: $0).list() }.isEmpty)
    }

    @Test("a good row before a bad one is not written either")
    func allOrNothing() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        #expect(throws: ImportFailure.self) {
            try ImportFixture.importText("external_id,name,parent_external_id\ngood,Good,\nbad,Bad,ghost\n", kind: .teams, org: org, connection: connection)
        }
        #expect(try connection.withTenant(org.id) { try TeamRepository(session: $0).list() }.isEmpty)
    }
}
