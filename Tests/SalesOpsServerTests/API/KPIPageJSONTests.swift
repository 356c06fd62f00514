import Foundation
import PostgresClient
@testable import SalesOps
@testable import SalesOpsServer
import Testing

@Suite("The KPI page written by hand is the text JSONEncoder writes")
struct KPIPageJSONTests {
    /// The page as `JSONBody.encoder` encodes it (the reference the written text must equal).
    struct Page: Encodable {
        var scope: String
        var period: ShownPeriod
        var metrics: [MetricReading]
    }

    static let period = ShownPeriod(label: "2026-11", kind: "month", start: LocalDate("2026-11-01")!, end: LocalDate("2026-11-30")!,
                                    asOf: LocalDate("2026-11-20")!)

    @Test("byte for byte: missing fields, long decimals, negatives, zero, and scopes with quotes, slashes, controls and emoji",
          arguments: ["org", "team:dach", "rep:a\"b\\c/d", "team:tab\there\nnew\u{1}\u{1F}\u{7F}", "rep:Zoë 🚀 \u{2028}"])
    func sameText(scope: String) throws {
        let readings = [
            MetricReading(metric: "revenue", value: Decimal(string: "123456789012345678.123456")!, numerator: nil, denominator: nil,
                          target: 120_000, attainmentPct: Decimal(string: "63.3333333333333333333333333333333")!,
                          expectedToDate: Decimal(string: "-0.5")!, pacePct: 0),
            MetricReading(metric: "win_rate", value: nil, numerator: 0, denominator: 0, target: nil, attainmentPct: nil,
                          expectedToDate: nil, pacePct: nil),
            MetricReading(metric: "churn_rate", value: Decimal(string: "0.000000000000000000000000001")!, numerator: 1,
                          denominator: Decimal(string: "1e20")!, target: nil, attainmentPct: nil, expectedToDate: nil, pacePct: nil),
        ]
        let written = KPIPageJSON.write(scope: scope, period: Self.period, metrics: try readings.map(Self.text))
        let encoded = try JSONBody.encoder.encode(Page(scope: scope, period: Self.period, metrics: readings))
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        #expect(try JSONSerialization.jsonObject(with: Data(written)) is [String: Any])
    }

    /// The reading as the database would send it: each number's text.
    static func text(_ reading: MetricReading) throws -> MetricReadingText {
        func numeric(_ value: Decimal?) throws -> NumericText? {
            try value.flatMap { try NumericText(postgresText: $0.description, type: .numeric) }
        }
        return MetricReadingText(metric: reading.metric, value: try numeric(reading.value), numerator: try numeric(reading.numerator),
                                 denominator: try numeric(reading.denominator), target: try numeric(reading.target),
                                 attainmentPct: try numeric(reading.attainmentPct), expectedToDate: try numeric(reading.expectedToDate),
                                 pacePct: try numeric(reading.pacePct))
    }

    @Test("an empty page")
    func empty() throws {
        let written = KPIPageJSON.write(scope: "org", period: Self.period, metrics: [MetricReadingText]())
        let encoded = try JSONBody.encoder.encode(Page(scope: "org", period: Self.period, metrics: []))
        #expect(written == [UInt8](encoded))
    }
}

@Suite("HTTP dates and hex digests written without formatters")
struct HTTPDateTests {
    @Test("IMF-fixdate equals DateFormatter's, from 1970 to 2100, leap days and month ends included")
    func sameAsDateFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        var instants: [Double] = [0, 951_782_400, 951_868_799.999, 1_709_164_800, 4_102_444_799, 1_795_000_000.5]
        for _ in 0..<2000 { instants.append(Double(Int64.random(in: 0..<4_102_444_800, using: &generator))) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(HTTPDate.format(date) == formatter.string(from: date), "\(instant)")
        }
    }

    @Test("hex text is String(format: %02x) of every byte")
    func hex() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(HexText.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(HexText.encode([]) == "")
    }
}
