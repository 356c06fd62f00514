import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("Period labels from period starts agree with the database's period_bounds")
struct PeriodLabelTests {
    @Test("label → bounds → label round-trips for every kind, across year ends, ISO week 53 and fiscal years from April and October")
    func roundTrip() throws {
        let connection = try SharedDatabase.connect()
        for fiscal in [1, 4, 10] {
            for label in ["2026", "2025", "2026-Q1", "2026-Q4", "2025-Q3", "2026-01", "2026-12", "2026-W01", "2026-W53", "2020-W53",
                          "2027-W01", "2026-W47"] {
                guard let row = try connection.query("SELECT * FROM salesops.period_bounds(\(label), \(fiscal)::integer)").singleRow()
                else { continue }  // 2026-W53 does not exist
                let kind: String = try row.decode("period_kind"), start: LocalDate = try row.decode("period_start")
                let end: LocalDate = try row.decode("period_end")
                #expect(PeriodLabel.of(kind: kind, start: start, fiscalYearStartMonth: fiscal) == label, "\(label) fiscal \(fiscal)")
                #expect(PeriodLabel.nextStart(kind: kind, start: start) == end.adding(days: 1), "\(label)")
                #expect(PeriodLabel.previousStart(kind: kind, start: PeriodLabel.nextStart(kind: kind, start: start)) == start)
                for day in [start, end, start.adding(days: (start.days(to: end)) / 2)] {
                    #expect(PeriodLabel.start(of: kind, containing: day, fiscalYearStartMonth: fiscal) == start, "\(day) in \(label)")
                }
            }
        }
        #expect(PeriodLabel.of(kind: "day", start: LocalDate("2026-11-05")!, fiscalYearStartMonth: 4) == "2026-11-05")
        // A fiscal year from April: January 2026 is in fiscal year 2025's fourth quarter.
        #expect(PeriodLabel.of(kind: "quarter", start: LocalDate("2026-01-01")!, fiscalYearStartMonth: 4) == "2025-Q4")
    }
}
