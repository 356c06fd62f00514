import Foundation
import PostgresClient
@testable import SalesOps
import TestSupport

/// An org whose right forecast is known by arithmetic: one pipeline (Open → Won | Lost), and
/// from 2025-01-01 up to the as-of day 2026-03-15 two deals of 100 created every day at noon
/// UTC, owned by r-dach; ten days later one is won and the other lost, each with its move
/// recorded. Deals whose tenth day has not come are still open.
///
/// As of 2026-03-15 (16 days of March left): won to date 15 × 100 (created Feb 19 – Mar 5);
/// 20 deals open, each won within 16 days in exactly half of the past cases (p = 0.5 in every
/// stage and age band, so pooling changes nothing) → 1,000; deals not yet created: one win of
/// 100 a day, each made in 6 of the 16-day windows it could fall in → 6 × 100 = 600.
struct ForecastFixture {
    let kpi: KPIFixture
    static let firstDay = LocalDate("2025-01-01")!
    static let asOf = LocalDate("2026-03-15")!

    var connection: Connection { self.kpi.connection }
    var org: Org { self.kpi.org }

    init() throws {
        self.kpi = try KPIFixture(timezone: "UTC")
        var deals: [String] = [], changes: [String] = []
        var day = Self.firstDay
        while day <= Self.asOf {
            let closeDay = day.adding(days: 10)
            let closed = closeDay <= Self.asOf
            for outcome in ["Won", "Lost"] {
                let id = "\(outcome.lowercased())-\(day)"
                deals.append("\(id),r-dach,\(closed ? outcome : "Open"),100,\(day)T12:00:00Z,\(closed ? "\(closeDay)T12:00:00Z" : "")")
                if closed { changes.append("\(id),Open,\(outcome),\(closeDay)T12:00:00Z") }
            }
            day = day.adding(days: 1)
        }
        try self.kpi.deals(deals)
        try self.kpi.load(.stageChanges, "deal_external_id,from_stage,to_stage,changed_at\n" + changes.joined(separator: "\n"))
    }

    func forecast(_ period: String, scope: TargetScope = .org, asOf: LocalDate = Self.asOf) throws -> Forecast {
        try self.connection.withTenant(self.org.id) { session in
            try ForecastEngine(session: session).forecast(period: period, scope: scope, asOf: asOf)
        }
    }

    func backtest(_ kind: String, from: String, to: String, scope: TargetScope = .org) throws -> ForecastBacktest {
        try self.connection.withTenant(self.org.id) { session in
            try ForecastEngine(session: session).backtest(kind: kind, from: from, to: to, atFraction: 0.5, scope: scope,
                                                          now: Date(timeIntervalSince1970: 1_773_792_000))  // 2026-03-18
        }
    }
}
