import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// The stage rates' snapshots at their edges: a stay covers the instants in (entered_at,
/// left_at], and a deal counts as won within d days of a snapshot only for a win strictly
/// after it. A deal that is won at the very instant of a snapshot is, at that snapshot, still
/// in its open stage and not won after it.
@Suite("Forecast snapshots: a move at the very instant of a snapshot")
struct ForecastSnapshotEdgeTests {
    @Test("a win at a snapshot's instant counts at the snapshot a week before it, not at its own")
    func winAtTheSnapshotInstant() throws {
        // As of 2026-03-15 (UTC) the month has 16 days left, so the snapshots are at the end of
        // that day less 3, 4, …, 54 weeks. One deal for each week w of 3…54 is created ten days
        // before snapshot w and won at its exact instant: at snapshot w + 1 (three days old,
        // band < 7 days) it is open and won within 7 days; at snapshot w (ten days old, band
        // < 30 days) it is open and not won after. So band 0 has 51 snapshots, all won; band 1
        // 52, none won; the stage's rate is 51/103, and band 1 pools it with k = 20:
        // p = 20 × 51/103 ÷ (52 + 20) = 0.1375.
        let kpi = try KPIFixture(timezone: "UTC")
        let knownBy = try #require(ISO8601DateFormatter().date(from: "2026-03-16T00:00:00Z"))
        let text = { (date: Date) in ISO8601DateFormatter().string(from: date) }
        var deals: [String] = [], changes: [String] = []
        for week in 3...54 {
            let snapshot = knownBy.addingTimeInterval(-Double(week) * 7 * 86_400)
            let id = "edge-\(week)"
            deals.append("\(id),r-dach,Won,100,\(text(snapshot.addingTimeInterval(-10 * 86_400))),\(text(snapshot))")
            changes.append("\(id),Open,Won,\(text(snapshot))")
        }
        // Open at the as-of day and ten and a half days in its stage: band 1.
        deals.append("open-now,r-dach,Open,1000,2026-03-05T12:00:00Z,")
        try kpi.deals(deals)
        try kpi.load(.stageChanges, "deal_external_id,from_stage,to_stage,changed_at\n" + changes.joined(separator: "\n"))
        let forecast = try kpi.connection.withTenant(kpi.org.id) { session in
            try ForecastEngine(session: session).forecast(period: "2026-03", scope: .org, asOf: LocalDate("2026-03-15")!)
        }
        let open = try #require(forecast.openPipeline.first)
        #expect(forecast.openPipeline.count == 1)
        #expect(open.deals == 1 && open.observations == 103)
        #expect(open.winProbability == Decimal(string: "0.1375"))
        #expect(open.expected == Decimal(string: "137.54"))
    }
}
