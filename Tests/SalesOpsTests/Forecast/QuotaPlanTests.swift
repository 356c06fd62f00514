import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Quota plans: capacity by arithmetic, leavers and hires, a top-down split to the cent, apply once")
struct QuotaPlanTests {
    /// The forecast fixture (100 of revenue a day, all r-dach's) plus a leaver and a March hire.
    /// Over the trailing months (Nov–Feb, 120 days) the ramped reps r-dach, r-emea, r-us and
    /// r-gone (left Feb 15: 106 days) worked 466 rep-days for 12,000 of revenue; March a year
    /// earlier made 100 a day, as the trailing months did, so seasonality is 1.
    static func fixture() throws -> ForecastFixture {
        let fixture = try ForecastFixture()
        try fixture.kpi.load(.reps, """
            external_id,name,email,team_external_id,role,hired_on,left_on
            r-gone,Gone,g@x.example,dach,ae,2020-01-01,2026-02-15
            r-new,New,n@x.example,dach,ae,2026-03-11,
            r-sdr,Sdr,s@x.example,dach,sdr,2020-01-01,
            """)
        return fixture
    }

    func plan(_ fixture: ForecastFixture, scope: TargetScope = .org, total: Decimal? = nil) throws -> QuotaPlan {
        try fixture.connection.withTenant(fixture.org.id) { try ForecastEngine(session: $0).planQuotas(period: "2026-03", scope: scope, total: total) }
    }

    @Test("capacity = productivity × ramp × active days × seasonality; a leaver gets nothing, a March hire 21 of 31 days")
    func capacities() throws {
        let fixture = try Self.fixture()
        let plan = try self.plan(fixture)
        #expect(plan.trailingPeriods == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(plan.seasonality == 1)
        #expect(plan.rampDays == 0)
        let perDay = Decimal(12_000) / 466
        #expect(plan.productivityPerDay == ForecastModel.rounded(perDay, 2))
        #expect(plan.reps.map(\.rep) == ["r-dach", "r-emea", "r-new", "r-us"])  // no leaver, no SDR
        let full = try #require(plan.reps.first { $0.rep == "r-dach" })
        #expect(full.activeDays == 31 && full.capacity == ForecastModel.rounded(perDay * 31, 2) && full.quota == full.capacity)
        let hire = try #require(plan.reps.first { $0.rep == "r-new" })
        #expect(hire.activeDays == 21 && hire.capacity == ForecastModel.rounded(perDay * 21, 2))
        // dach's subtree holds r-dach and r-new; emea's holds dach's and r-emea.
        let teams = Dictionary(uniqueKeysWithValues: plan.teams.map { ($0.team, $0.quota) })
        #expect(teams["dach"] == full.quota + hire.quota)
        #expect(teams["emea"] == full.quota + hire.quota + plan.reps.first { $0.rep == "r-emea" }!.quota)
    }

    @Test("a top-down total is split in proportion to capacity and sums to the total to the cent")
    func topDown() throws {
        let fixture = try Self.fixture()
        let plan = try self.plan(fixture, total: Decimal(string: "10000.01")!)
        #expect(plan.reps.reduce(Decimal(0)) { $0 + $1.quota } == Decimal(string: "10000.01")!)
        let dach = plan.reps.first { $0.rep == "r-dach" }!, hire = plan.reps.first { $0.rep == "r-new" }!
        #expect(abs(hire.quota / dach.quota - Decimal(21) / 31) < Decimal(string: "0.0001")!)
        #expect(ForecastEngine.split(100, by: [1, 1, 1]) == [Decimal(string: "33.34")!, Decimal(string: "33.33")!, Decimal(string: "33.33")!])
        #expect(ForecastEngine.split(5, by: [0, 0]) == [Decimal(string: "2.5")!, Decimal(string: "2.5")!])
    }

    @Test("apply writes targets once; other existing targets are replaced only with replace, and named otherwise")
    func apply() throws {
        let fixture = try Self.fixture()
        let plan = try self.plan(fixture, scope: .team("dach"))
        let apply = { (replace: Bool) in
            try fixture.connection.withTenant(fixture.org.id) { try ForecastEngine(session: $0).apply(plan, replace: replace) }
        }
        #expect(try apply(false) == 3)  // r-dach, r-new, dach
        #expect(try apply(false) == 0)
        try fixture.kpi.load(.targets, "scope,scope_external_id,metric,period,value\nrep,r-dach,revenue,2026-03,1\n")
        #expect(throws: SalesOpsError.self) { try apply(false) }
        let stored = try fixture.connection.withTenant(fixture.org.id) { session in
            try TargetRepository(session: session).list().filter { $0.period == "2026-03" && $0.metric == "revenue" }
        }
        #expect(stored.contains { $0.value == 1 })  // refused: nothing written
        #expect(try apply(true) == 1)
        #expect(throws: SalesOpsError.self) {
            try fixture.connection.withTenant(fixture.org.id) { try ForecastEngine(session: $0).planQuotas(period: "2026-03", scope: .rep("r-dach"), total: nil) }
        }
    }
}
