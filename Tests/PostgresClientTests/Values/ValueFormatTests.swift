import Foundation
import PostgresClient
import Testing

@Suite("Dates and timestamps parse and print without a calendar or locale")
struct ValueFormatTests {
    @Test("LocalDate accepts only real days in YYYY-MM-DD", arguments: [
        ("2024-02-29", true), ("2025-02-29", false), ("2026-13-01", false), ("2026-1-01", false),
        ("2026-11-31", false), ("2026-11-30", true), ("20261130", false), ("2026-11-30 ", false),
    ])
    func localDateParsing(text: String, valid: Bool) {
        #expect((LocalDate(text) != nil) == valid)
    }

    @Test("LocalDate arithmetic crosses months, years and leap days")
    func localDateArithmetic() {
        let date = LocalDate(year: 2024, month: 2, day: 28)!
        #expect(date.adding(days: 1).description == "2024-02-29")
        #expect(date.adding(days: 2).description == "2024-03-01")
        #expect(LocalDate(year: 2026, month: 12, day: 31)!.adding(days: 1).description == "2027-01-01")
        #expect(LocalDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(LocalDate(year: 1969, month: 12, day: 31)!.dayNumber == -1)
        #expect(LocalDate(year: 2026, month: 11, day: 23)!.isoWeekday == 1)
        #expect(LocalDate(year: 2026, month: 11, day: 22)!.isoWeekday == 7)
    }

    @Test("strict RFC 3339 needs a T and an offset of Z or ±HH:MM", arguments: [
        ("2026-11-05T09:30:00Z", true), ("2026-11-05T09:30:00+05:30", true), ("2026-11-05T09:30:00.5-10:00", true),
        ("2026-11-05 09:30:00Z", false), ("2026-11-05T09:30:00", false), ("2026-11-05T09:30:00+0530", false),
        ("2026-11-05T24:00:00Z", false), ("2026-02-30T09:30:00Z", false), ("2026-11-05", false),
    ])
    func strictTimestamps(text: String, valid: Bool) {
        #expect((TimestampFormat.epochMicroseconds(text, strictRFC3339: true) != nil) == valid)
    }

    @Test("offsets shift the instant; fractions keep microseconds")
    func timestampValues() {
        #expect(TimestampFormat.epochMicroseconds("1970-01-01T00:00:00Z") == 0)
        #expect(TimestampFormat.epochMicroseconds("1970-01-01T05:30:00+05:30") == 0)
        #expect(TimestampFormat.epochMicroseconds("1969-12-31T23:59:59.999999Z") == -1)
        #expect(TimestampFormat.epochMicroseconds("2026-11-05 09:30:00.123+00") == 1_793_871_000_123_000)
        #expect(TimestampFormat.rfc3339(TimestampFormat.date("2026-01-01T00:00:00+13:00")!) == "2025-12-31T11:00:00Z")
    }
}
