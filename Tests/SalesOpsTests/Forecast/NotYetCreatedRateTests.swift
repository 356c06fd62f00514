import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The not-yet-created part of a forecast, recomputed from its definition (SPEC §10, the
/// `ForecastModel` doc): every window of the period's remaining days that had ended by the
/// as-of instant, over at most a year of the scope's history, and each won deal counted for the
/// share of those windows in which it was both created and won.
@Suite("The not-yet-created rate: every scope's, young and a year old, as its definition says")
struct NotYetCreatedRateTests {
    /// A won deal as the rate sees it, in days since the epoch.
    private struct Win {
        var owner: Int64
        var amount: Double
        var created: Double
        var firstWin: Double
    }

    @Test("the org, every team and every rep, for a month, a quarter and a fiscal year, equal the definition")
    func everyScopeEqualsTheDefinition() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: "Asia/Kolkata", fiscalYearStartMonth: 7)
        let asOf = LocalDate("2026-10-19")!
        // 500 days with hires along the way: some reps' (and teams') history is shorter than a year.
        try ImportFixture.importGenerated(DemoDataGenerator(reps: 12, days: 500, lastDay: asOf, seed: 41), into: org, connection: connection)
        try connection.withTenant(org.id) { session in
            let engine = ForecastEngine(session: session)
            let cases: [ForecastModel.Case] = try ["2026-10", "2026-Q2", "2026"].map { .init(period: try engine.period($0), asOf: asOf) }
            let teams = try session.connection.query("SELECT external_id FROM salesops.teams WHERE org_id = \(org.id) ORDER BY id")
                .rows.map { try $0.decode("external_id", as: String.self) }
            let reps = try session.connection.query("SELECT external_id FROM salesops.reps WHERE org_id = \(org.id) ORDER BY id")
                .rows.map { try $0.decode("external_id", as: String.self) }
            let scopes: [[Int64]?] = try [nil] + teams.map { try engine.reps(of: .team($0)) } + reps.map { try engine.reps(of: .rep($0)) }
            let batch = try ForecastModel(session: session).run(cases, scopes: scopes, horizon: asOf, timeZone: org.timezone)

            let knownBy = try Self.days(session, "SELECT salesops.day_start(\(asOf.adding(days: 1))::date, \(org.timezone))")
            let wins = try session.connection.query("""
                SELECT s.owner_rep_id, min(s.amount)::float8 AS amount, date_part('epoch', min(s.created_at)) / 86400 AS created,
                       date_part('epoch', min(s.entered_at)) / 86400 AS first_win
                FROM kpi.deal_spells(\(org.id), salesops.day_start(\(asOf.adding(days: 1))::date, \(org.timezone)), '-infinity') s
                WHERE s.stage_kind = 'won'
                GROUP BY s.deal_id, s.owner_rep_id
                """).rows.map { Win(owner: try $0.decode("owner_rep_id"), amount: try $0.decode("amount"),
                                    created: try $0.decode("created"), firstWin: try $0.decode("first_win")) }
            let firstDeals = Dictionary(try session.connection.query("""
                SELECT owner_rep_id, date_part('epoch', min(created_at)) / 86400 AS first_at
                FROM salesops.deals WHERE org_id = \(org.id) GROUP BY owner_rep_id
                """).rows.map { (try $0.decode("owner_rep_id", as: Int64.self), try $0.decode("first_at", as: Double.self)) },
                uniquingKeysWith: min)
            #expect(wins.count > 100, "enough won deals to count")

            var young = 0, yearOld = 0
            for (caseIndex, forecastCase) in cases.enumerated() {
                let remaining = Double(forecastCase.period.end.dayNumber - forecastCase.asOf.dayNumber)
                let last = knownBy - remaining
                for (scopeIndex, members) in scopes.enumerated() {
                    let owners = members.map(Set.init) ?? Set(firstDeals.keys)
                    let firstAt = owners.compactMap { firstDeals[$0] }.min()
                    let history = min(365, max(0, last - (firstAt.map { $0 < knownBy ? $0 : .infinity } ?? .infinity)))
                    let start = last - history
                    let shared = wins.filter { owners.contains($0.owner) }.reduce(0.0) { sum, win in
                        sum + win.amount * max(0, min(win.created, last) - max(win.firstWin - remaining, start))
                    }
                    let expected = history > 0 ? shared / history : 0
                    let part = batch.parts[caseIndex][scopeIndex].notYetCreated
                    let label = "\(forecastCase.period.label), scope \(scopeIndex)"
                    #expect(part.historyDays == Int(history.rounded(.down)), "\(label)")
                    #expect(abs(NSDecimalNumber(decimal: part.expected).doubleValue - expected) <= 0.01, "\(label): \(part.expected) against \(expected)")
                    if history >= 365 { yearOld += 1 } else if history > 0 { young += 1 }
                }
            }
            #expect(young >= 3 && yearOld >= 3, "scopes of both kinds: \(young) younger than a year, \(yearOld) a year old")
        }
    }

    private static func days(_ session: TenantSession, _ sql: Query) throws -> Double {
        let instant = try session.connection.query(sql).rows[0].decode(at: 0, as: Date.self)
        return instant.timeIntervalSince1970 / 86_400
    }
}
