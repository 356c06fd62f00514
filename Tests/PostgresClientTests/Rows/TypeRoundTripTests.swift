import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("Typed values round-trip through PostgreSQL")
struct TypeRoundTripTests {
    @Test("bigint and int keep their full range")
    func integers() throws {
        let connection = try SharedDatabase.connect()
        let row = try connection.query("SELECT \(Int64.max)::bigint AS big, \(Int64.min)::bigint AS small, \(Int32.max)::int AS int4, \(Int32(-7))::int AS negative").rows[0]
        #expect(try row.decode("big", as: Int64.self) == Int64.max)
        #expect(try row.decode("small", as: Int64.self) == Int64.min)
        #expect(try row.decode("int4", as: Int32.self) == Int32.max)
        #expect(try row.decode("negative", as: Int.self) == -7)
    }

    @Test("numeric decodes exactly, without passing through Double")
    func numericIsExact() throws {
        let connection = try SharedDatabase.connect()
        let money = Decimal(string: "12345678901234567890.123456789")!
        let row = try connection.query("""
            SELECT \(money)::numeric AS echoed, 0.1::numeric + 0.2::numeric AS sum,
                   '-0.000001'::numeric AS tiny, 19.99::numeric(18,2) * 3 AS total
            """).rows[0]
        #expect(try row.decode("echoed", as: Decimal.self) == money)
        #expect(try row.decode("sum", as: Decimal.self) == Decimal(string: "0.3")!)
        #expect(try row.decode("tiny", as: Decimal.self) == Decimal(string: "-0.000001")!)
        #expect(try row.decode("total", as: Decimal.self) == Decimal(string: "59.97")!)
    }

    @Test("numeric whose integer part needs more digits than Decimal holds is refused; a long quotient is rounded at the 38th digit")
    func numericTooPreciseIsRefused() throws {
        let connection = try SharedDatabase.connect()
        let row = try connection.query("""
            SELECT '1234567890123456789012345678901234567890.5'::numeric AS huge,
                   '354.679802955665024350991288310805892137'::numeric AS quotient,
                   '-0.000123456789012345678901234567890123456789'::numeric AS small,
                   '999.999999999999999999999999999999999999'::numeric AS carry
            """).rows[0]
        #expect(throws: PostgresDecodingError.self) { try row.decode("huge", as: Decimal.self) }
        #expect(try row.decode("quotient", as: Decimal.self) == Decimal(string: "354.67980295566502435099128831080589214")!)
        #expect(try row.decode("small", as: Decimal.self) == Decimal(string: "-0.00012345678901234567890123456789012345679")!)
        #expect(try row.decode("carry", as: Decimal.self) == Decimal(string: "1000")!)
        #expect(try row.decode("huge", as: String.self) == "1234567890123456789012345678901234567890.5")
    }

    @Test("text of any UTF-8 survives, including emoji, CJK, combining marks and quotes")
    func unicodeText() throws {
        let connection = try SharedDatabase.connect()
        let samples = ["Jürgen Müller", "東京営業部", "👩🏽‍💼 deal 🎉", "e\u{301}", "O'Brien \"quoted\" \\ back", "", "tab\tnew\nline"]
        for sample in samples {
            let row = try connection.query("SELECT \(sample)::text AS value, length(\(sample)::text) AS characters").rows[0]
            #expect(try row.decode("value", as: String.self) == sample)
            #expect(try row.decode("characters", as: Int.self) == sample.unicodeScalars.count)
        }
    }

    @Test("bool, date and timestamptz round-trip")
    func boolDateTimestamp() throws {
        let connection = try SharedDatabase.connect()
        let day = LocalDate(year: 2024, month: 2, day: 29)!
        let instant = TimestampFormat.date("2025-03-09T06:59:59.123456Z")!
        let row = try connection.query("""
            SELECT \(true) AS yes, \(false) AS no, \(day) AS day, \(instant) AS instant
            """).rows[0]
        #expect(try row.decode("yes", as: Bool.self) == true)
        #expect(try row.decode("no", as: Bool.self) == false)
        #expect(try row.decode("day", as: LocalDate.self) == day)
        let decoded = try row.decode("instant", as: Date.self)
        #expect(TimestampFormat.rfc3339(decoded) == "2025-03-09T06:59:59.123456Z")
    }

    @Test("timestamptz input with any offset is the same instant; the session prints UTC")
    func timeZones() throws {
        let connection = try SharedDatabase.connect()
        let row = try connection.query("""
            SELECT '2025-11-02 01:30:00-04'::timestamptz AS before_fallback,
                   '2025-11-02 01:30:00-05'::timestamptz AS after_fallback,
                   '2026-01-01 00:00:00+13:00'::timestamptz AS tonga,
                   '2026-01-01 00:00:00+05:30'::timestamptz AS india,
                   ('2026-01-01 00:00:00+05:30'::timestamptz AT TIME ZONE 'Asia/Kolkata')::date AS india_local_day,
                   current_setting('TimeZone') AS zone, current_setting('client_encoding') AS encoding
            """).rows[0]
        #expect(TimestampFormat.rfc3339(try row.decode("before_fallback", as: Date.self)) == "2025-11-02T05:30:00Z")
        #expect(TimestampFormat.rfc3339(try row.decode("after_fallback", as: Date.self)) == "2025-11-02T06:30:00Z")
        #expect(TimestampFormat.rfc3339(try row.decode("tonga", as: Date.self)) == "2025-12-31T11:00:00Z")
        #expect(TimestampFormat.rfc3339(try row.decode("india", as: Date.self)) == "2025-12-31T18:30:00Z")
        #expect(try row.decode("india_local_day", as: LocalDate.self) == LocalDate(year: 2026, month: 1, day: 1)!)
        #expect(try row.decode("zone", as: String.self) == "UTC")
        #expect(try row.decode("encoding", as: String.self) == "UTF8")
    }

    @Test("NULL binds and decodes as nil; a non-optional NULL names the column")
    func nulls() throws {
        let connection = try SharedDatabase.connect()
        let missing: String? = nil
        let row = try connection.query("SELECT \(missing)::text AS nothing, \(Optional(5))::int AS five").rows[0]
        #expect(try row.decode("nothing", as: String?.self) == nil)
        #expect(try row.decode("five", as: Int?.self) == 5)
        let error = #expect(throws: PostgresDecodingError.self) { try row.decode("nothing", as: String.self) }
        #expect(error?.reason == .unexpectedNull)
        #expect(error?.description.contains("nothing") == true)
    }

    @Test("a decoding error names the column, its PostgreSQL type and the Swift type")
    func decodingErrorNamesEverything() throws {
        let connection = try SharedDatabase.connect()
        let row = try connection.query("SELECT 'abc'::text AS label, now() AS moment").rows[0]
        let error = #expect(throws: PostgresDecodingError.self) { try row.decode("label", as: Int.self) }
        #expect(error?.reason == .typeMismatch)
        #expect(error?.description == "column 'label' (#0) of type text cannot be decoded as Int")
        let missing = #expect(throws: PostgresDecodingError.self) { try row.decode("absent", as: Int.self) }
        #expect(missing?.reason == .missingColumn)
        let wrongDate = #expect(throws: PostgresDecodingError.self) { try row.decode("moment", as: LocalDate.self) }
        #expect(wrongDate?.description.contains("timestamptz") == true)
    }
}
