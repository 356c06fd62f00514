import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("A materialization's periods follow ISO weeks and the org's fiscal calendar")
struct PeriodCalendarTests {
    static func periods(_ from: String, _ to: String, fiscalStart: Int) throws -> [String] {
        try SharedDatabase.connect().query("""
            SELECT period_kind || ' ' || period_start || '..' || period_end AS period
            FROM kpi.periods_covering(\(from)::date, \(to)::date, \(fiscalStart)::integer)
            ORDER BY array_position(ARRAY['day', 'week', 'month', 'quarter', 'year'], period_kind), period_start
            """).rows.map { try $0.decode("period", as: String.self) }
    }

    @Test("a fiscal year starting in April: quarter and year boundaries at 1 April")
    func fiscalApril() throws {
        #expect(try Self.periods("2026-03-31", "2026-04-01", fiscalStart: 4) == [
            "day 2026-03-31..2026-03-31", "day 2026-04-01..2026-04-01",
            "week 2026-03-30..2026-04-05",
            "month 2026-03-01..2026-03-31", "month 2026-04-01..2026-04-30",
            "quarter 2026-01-01..2026-03-31", "quarter 2026-04-01..2026-06-30",
            "year 2025-04-01..2026-03-31", "year 2026-04-01..2027-03-31",
        ])
    }

    @Test("ISO week 1 of 2027 starts in December 2026; calendar years split at 1 January")
    func isoWeekAcrossYears() throws {
        #expect(try Self.periods("2026-12-31", "2027-01-01", fiscalStart: 1) == [
            "day 2026-12-31..2026-12-31", "day 2027-01-01..2027-01-01",
            "week 2026-12-28..2027-01-03",
            "month 2026-12-01..2026-12-31", "month 2027-01-01..2027-01-31",
            "quarter 2026-10-01..2026-12-31", "quarter 2027-01-01..2027-03-31",
            "year 2026-01-01..2026-12-31", "year 2027-01-01..2027-12-31",
        ])
    }

    @Test("a fiscal year starting in November names quarters from November")
    func fiscalNovember() throws {
        let periods = try Self.periods("2027-01-15", "2027-01-15", fiscalStart: 11)
        #expect(periods.contains("quarter 2026-11-01..2027-01-31"))
        #expect(periods.contains("year 2026-11-01..2027-10-31"))
    }
}
