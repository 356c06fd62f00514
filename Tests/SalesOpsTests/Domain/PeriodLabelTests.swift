import Foundation
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

    @Test("the shape check accepts exactly what the pattern of SPEC §4 accepts, on random and edge labels")
    func shapeMatchesThePattern() {
        func pattern(_ label: String, _ days: Bool) -> Bool {
            // The pattern's `$` also matches before a final line break, which the check refuses.
            !label.hasPrefix("0000") && !label.hasSuffix("\n") && label.range(of: #"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-W(0[1-9]|[1-4][0-9]|5[0-3])"#
                + (days ? "|-[0-9]{2}-[0-9]{2}" : "") + ")?$", options: .regularExpression) != nil
        }
        var labels = ["2026", "0000", "0001", "2026-Q0", "2026-Q4", "2026-Q5", "2026-00", "2026-12", "2026-13", "2026-W00", "2026-W53",
                      "2026-W54", "2026-11-05", "2026-99-99", "2026-1-05", "2026-11", "2026-", "202", "20261", "٢٠٢٦", "2026-W4٧",
                      "2026\n", " 2026", "2026-q3", "2026-w47", "2026-11-05T", ""]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-QW")
        for _ in 0..<20_000 {
            let length = Int.random(in: 4...11, using: &generator)
            var label = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            if Bool.random(using: &generator) { label = String((0..<4).map { _ in "0123456789".randomElement(using: &generator)! }) + label.dropFirst(4) }
            labels.append(label)
        }
        #expect(!PeriodLabel.isWellFormed("2026\n") && !PeriodLabel.isWellFormed("2026-11\n"))
        for label in labels {
            for days in [true, false] {
                #expect(PeriodLabel.isWellFormed(label, allowingDays: days) == pattern(label, days), "\(label) days: \(days)")
            }
        }
    }
}
