import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Forecasts: known by arithmetic, blind to what came later, equal to the actual at a period's end")
struct ForecastTests {
    @Test("a month's forecast is won to date + open pipeline × learned win rate + the not-yet-created rate")
    func arithmetic() throws {
        let fixture = try ForecastFixture()
        let forecast = try fixture.forecast("2026-03")
        #expect(forecast.wonToDate == .init(deals: 15, amount: 1500))
        let open = try #require(forecast.openPipeline.first)
        #expect(forecast.openPipeline.count == 1)
        #expect(open.stage == "Open" && open.deals == 20 && open.amount == 2000)
        #expect(open.winProbability == Decimal(string: "0.5"))
        #expect(open.expected == 1000)
        #expect(forecast.notYetCreated.expected == 600)
        #expect(forecast.notYetCreated.historyDays == 365)
        #expect(forecast.value == 3100)
        // Every earlier month was as stationary as this one: the interval is narrow around the value.
        let low = try #require(forecast.low), high = try #require(forecast.high)
        #expect(low <= forecast.value && forecast.value <= high * Decimal(string: "1.05")!)
        #expect(forecast.baselines.runRate == Decimal(1500) * 31 / 15)
    }

    @Test("the interval learns only from periods forecast with at least half the history this one has")
    func intervalNeedsComparableHistory() throws {
        let fixture = try ForecastFixture()
        // 151 days of history by mid-June 2025; January to March 2025 had under 76, so only
        // April and May count: too few for an interval.
        let early = try fixture.forecast("2025-06", asOf: LocalDate("2025-06-15")!)
        #expect(early.low == nil && early.high == nil)
        #expect(early.intervalNote.contains("2 earlier months were forecast with comparable history"), "\(early.intervalNote)")
    }

    @Test("as of a closed period's last day the forecast is the period's revenue, as the KPI engine counts it")
    func closedPeriodEqualsActual() throws {
        let fixture = try ForecastFixture()
        let forecast = try fixture.forecast("2026-02", asOf: LocalDate("2026-02-28")!)
        try fixture.kpi.materialize("2026-02-01", "2026-02-28")
        let revenue = try #require(try fixture.kpi.value("revenue", "month", "2026-02-01"))
        #expect(revenue == 2800)  // won Feb 1 – 28: created Jan 22 – Feb 18, one win each
        #expect(forecast.value == revenue)
        #expect(forecast.openPipeline.allSatisfy { $0.expected == 0 })
        #expect(forecast.notYetCreated.expected == 0)
    }

    @Test("stage changes, deals, closes and calls dated after the as-of day leave the forecast byte-identical")
    func blindToLaterEvents() throws {
        let fixture = try ForecastFixture()
        try fixture.kpi.load(.forecastCalls, """
            rep_external_id,team_external_id,period,category,amount,submitted_at
            r-dach,,2026-03,commit,2900,2026-03-10T09:00:00Z
            """)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let before = try encoder.encode(fixture.forecast("2026-03"))
        // After the as-of day: an open deal is won, another is lost, new deals come and close,
        // the rep calls again.
        try fixture.kpi.deals([
            "won-2026-03-10,r-dach,Won,100,2026-03-10T12:00:00Z,2026-03-17T08:00:00Z",
            "lost-2026-03-11,r-dach,Lost,100,2026-03-11T12:00:00Z,2026-03-18T08:00:00Z",
            "late-1,r-dach,Won,700,2026-03-16T01:00:00Z,2026-03-19T08:00:00Z",
            "late-2,r-dach,Open,900,2026-03-17T01:00:00Z,",
        ])
        try fixture.kpi.load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            won-2026-03-10,Open,Won,2026-03-17T08:00:00Z
            lost-2026-03-11,Open,Lost,2026-03-18T08:00:00Z
            late-1,Open,Won,2026-03-19T08:00:00Z
            """)
        try fixture.kpi.load(.forecastCalls, """
            rep_external_id,team_external_id,period,category,amount,submitted_at
            r-dach,,2026-03,commit,4000,2026-03-16T00:00:00Z
            """)
        let after = try encoder.encode(fixture.forecast("2026-03"))
        #expect(String(decoding: after, as: UTF8.self) == String(decoding: before, as: UTF8.self))
        // The same forecast a day later sees them.
        let later = try fixture.forecast("2026-03", asOf: LocalDate("2026-03-19")!)
        #expect(later.wonToDate.amount > 1500 + 100)
        #expect(later.calls.first?.amount == 4000)
    }

    @Test("a rep's scope counts only the rep's deals; the latest call known is shown")
    func repScopeAndCalls() throws {
        let fixture = try ForecastFixture()
        try fixture.kpi.load(.forecastCalls, """
            rep_external_id,team_external_id,period,category,amount,submitted_at
            r-dach,dach,2026-03,commit,2500,2026-03-01T09:00:00Z
            r-dach,dach,2026-03,commit,2900,2026-03-10T09:00:00Z
            r-dach,dach,2026-03,best_case,3500,2026-03-10T09:00:00Z
            ,emea,2026-03,commit,3000,2026-03-12T09:00:00Z
            """)
        let dach = try fixture.forecast("2026-03", scope: .rep("r-dach"))
        #expect(dach.value == 3100)
        #expect(dach.calls.map(\.amount) == [2900, 3500])
        let us = try fixture.forecast("2026-03", scope: .rep("r-us"))
        #expect(us.wonToDate.amount == 0 && us.openPipeline.isEmpty && us.notYetCreated.expected == 0)
        // A manager's call for the team stands for it; dach sits under emea.
        let emea = try fixture.forecast("2026-03", scope: .team("emea"))
        #expect(emea.value == 3100)
        #expect(emea.calls.map(\.amount) == [3000])
    }

    @Test("a day outside the period, a day label or an unknown rep are refused with what was wrong")
    func refusals() throws {
        let fixture = try ForecastFixture()
        #expect(throws: SalesOpsError.invalidInput(
            "as-of day 2026-04-01 is outside period 2026-03 (2026-03-01..2026-03-31): a forecast is made as of a day inside its period")) {
            try fixture.forecast("2026-03", asOf: LocalDate("2026-04-01")!)
        }
        #expect(throws: SalesOpsError.self) { try fixture.forecast("2026-03-05") }
        #expect(throws: UnknownName.self) { try fixture.forecast("2026-03", scope: .rep("r-nobody")) }
    }

    @Test("a backtest compares the model and its baselines with each month's actual, and judges the calls")
    func backtest() throws {
        let fixture = try ForecastFixture()
        try fixture.kpi.load(.forecastCalls, """
            rep_external_id,team_external_id,period,category,amount,submitted_at
            r-dach,,2026-01,commit,5000,2026-01-10T09:00:00Z
            r-dach,,2026-02,commit,4000,2026-02-05T09:00:00Z
            """)
        let backtest = try fixture.backtest("month", from: "2025-06", to: "2026-02")
        #expect(backtest.periods.map(\.label) == ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"])
        for row in backtest.periods {
            let period = try fixture.connection.withTenant(fixture.org.id) { try ForecastEngine(session: $0).period(row.label) }
            #expect(row.actual == Decimal(100 * period.days), "\(row.label)")
            // Stationary history: the model lands within 1 % of every month.
            #expect(abs(row.model - row.actual) <= row.actual / 100, "\(row.label): \(row.model) vs \(row.actual)")
        }
        let model = try #require(backtest.summary.first { $0.method == "model" })
        #expect(model.periods == 9 && (model.mapePct ?? 100) < 1)
        #expect(backtest.summary.first { $0.method == "commit_calls" }?.periods == 2)
        let calls = try #require(backtest.repCalls.first)
        #expect(calls.rep == "r-dach" && calls.periods == 2 && calls.called == 9000 && calls.won == 5900 && calls.verdict == "over-calls")
        #expect(throws: SalesOpsError.self) { try fixture.backtest("month", from: "2026-02", to: "2026-03") }  // March has not ended
        #expect(throws: SalesOpsError.self) { try fixture.backtest("month", from: "2026-Q1", to: "2026-02") }
    }
}
