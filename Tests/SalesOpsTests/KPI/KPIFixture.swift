import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// A small org built for one KPI test: one pipeline, teams emea > dach, reps in them.
struct KPIFixture {
    let connection: Connection
    let org: Org

    /// - Parameter connection: the database to build it in; the shared test database when nil.
    init(timezone: String, fiscalYearStartMonth: Int = 1, connection: Connection? = nil) throws {
        self.connection = try connection ?? SharedDatabase.connect()
        self.org = try SharedDatabase.makeOrg(on: self.connection, timezone: timezone, fiscalYearStartMonth: fiscalYearStartMonth)
        try self.load(.teams, "external_id,name,parent_external_id\nemea,EMEA,\ndach,DACH,emea\nus,US,\n")
        try self.load(.reps, """
            external_id,name,email,team_external_id,hired_on
            r-dach,In Dach,d@x.example,dach,2020-01-01
            r-emea,In Emea,e@x.example,emea,2020-01-01
            r-us,In US,u@x.example,us,2020-01-01
            """)
        try self.load(.accounts, "external_id,name\na-1,One\na-2,Two\n")
        try self.load(.stages, "pipeline,name,position,kind\nP,Open,1,open\nP,Won,2,won\nP,Lost,3,lost\n")
    }

    func load(_ kind: ImportKind, _ text: String) throws {
        _ = try ImportFixture.importText(text + (text.hasSuffix("\n") ? "" : "\n"), kind: kind, org: self.org, connection: self.connection)
    }

    /// Loads deals given as `id,rep,stage,amount,created_at,closed_at[,type]`.
    func deals(_ rows: [String]) throws {
        try self.load(.deals, "external_id,owner_rep_external_id,stage,amount,created_at,closed_at,type,account_external_id,pipeline\n"
            + rows.map { $0 + ($0.split(separator: ",", omittingEmptySubsequences: false).count == 6 ? ",new" : "") + ",a-1,P" }
                .joined(separator: "\n"))
    }

    @discardableResult
    func materialize(_ from: String, _ to: String) throws -> MaterializationReport {
        try KPIMaterializer(connection: self.connection).materialize(org: self.org, from: LocalDate(from)!, to: LocalDate(to)!)
    }

    /// value / numerator / denominator of one fact, or nil when there is no row.
    func fact(_ metric: String, _ kind: String, _ start: String, scope: String = "org", id: String? = nil) throws -> (Decimal?, Decimal?, Decimal?)? {
        try self.connection.withOrg(self.org.id) { connection in
            try connection.query("""
                SELECT value, numerator, denominator FROM kpi.metric_values
                WHERE metric = \(metric) AND period_kind = \(kind) AND period_start = \(start)::date
                  AND scope_kind = \(scope) AND scope_external_id IS NOT DISTINCT FROM \(id)
                """).singleRow().map { row in
                (try row.decode("value", as: Decimal?.self), try row.decode("numerator", as: Decimal?.self),
                 try row.decode("denominator", as: Decimal?.self))
            }
        }
    }

    func value(_ metric: String, _ kind: String, _ start: String, scope: String = "org", id: String? = nil) throws -> Decimal? {
        try self.fact(metric, kind, start, scope: scope, id: id)?.0
    }
}
