import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// One batch reconstructs the pipeline once, at its horizon, and cuts it back to each case's
/// as-of day. These tests hold the batch to what each case gives alone, its horizon its own day.
@Suite("Forecast batches: many cases and scopes in one statement answer what each gives alone")
struct ForecastBatchTests {
    @Test("months, quarters and a closed period, for the org, a team subtree and a rep, equal their single runs")
    func batchEqualsSingleRuns() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: "America/New_York", fiscalYearStartMonth: 4)
        try ImportFixture.importGenerated(DemoDataGenerator(reps: 8, days: 400, lastDay: LocalDate("2026-10-31")!, seed: 23), into: org, connection: connection)
        try connection.withTenant(org.id) { session in
            let engine = ForecastEngine(session: session)
            let model = ForecastModel(session: session)
            let cases: [ForecastModel.Case] = try [
                ("2026-10", "2026-10-20"), ("2026-10", "2026-10-01"), ("2026-09", "2026-09-30"), ("2026-06", "2026-06-11"),
                ("2026-Q3", "2026-10-15"), ("2026-Q2", "2026-08-15"),
            ].map { label, day in .init(period: try engine.period(label), asOf: LocalDate(day)!) }
            let teams = try session.connection.query("SELECT external_id FROM salesops.teams WHERE org_id = \(org.id) ORDER BY id")
                .rows.map { try $0.decode("external_id", as: String.self) }
            let scopes: [[Int64]?] = [nil, try engine.reps(of: .team(try #require(teams.first))),
                                      try engine.reps(of: .rep("rep-3")), []]
            #expect(scopes[1]!.count > 1, "the first team's subtree holds several reps")
            let batch = try model.run(cases, scopes: scopes, horizon: LocalDate("2026-10-31")!, timeZone: org.timezone)
            var compared = 0
            for (index, forecastCase) in cases.enumerated() {
                for (scopeIndex, reps) in scopes.enumerated() {
                    let alone = try model.parts(forecastCase, reps: reps, timeZone: org.timezone)
                    #expect(batch.parts[index][scopeIndex] == alone, "\(forecastCase.period.label) as of \(forecastCase.asOf), scope \(scopeIndex)")
                    compared += alone.open.isEmpty ? 0 : 1
                }
                let actual = try batch.actuals[index].map { _ in
                    try engine.actual(period: forecastCase.period, timeZone: org.timezone).amounts
                }
                #expect(batch.actuals[index]?.amounts == actual, "\(forecastCase.period.label)")
                #expect((batch.actuals[index] != nil) == (forecastCase.period.end <= LocalDate("2026-10-31")!))
            }
            #expect(compared >= 12, "most cases have open pipeline to compare")
            #expect(batch.parts.flatMap { $0 }.contains { $0.won.amount > 0 })
        }
    }
}
