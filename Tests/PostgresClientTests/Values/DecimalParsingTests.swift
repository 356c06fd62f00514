import Foundation
@testable import PostgresClient
import Testing

@Suite("numeric text decodes to the Decimal the general parser makes")
struct DecimalParsingTests {
    @Test("short plain decimals: the same value and the same description as Decimal(string:)")
    func sameAsGeneralParser() throws {
        var texts = ["0", "-0", "0.00", "-0.00", "1", "-1", "12.50", "0.5", "-0.001", "76000.00", "100", "1000000", "33.3333333333333333",
                     "9999999999999999999", "1234567890123456.78", "0.0000000000000000001", "18446744073709551615", "000123.4500"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = String(UInt64.random(in: 0...UInt64.max, using: &generator)).prefix(Int.random(in: 1...12, using: &generator))
            let fraction = String(UInt64.random(in: 0...UInt64.max, using: &generator)).prefix(Int.random(in: 0...10, using: &generator))
            texts.append((Bool.random(using: &generator) ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction))
        }
        let posix = Locale(identifier: "en_US_POSIX")
        for text in texts {
            let general = try #require(Decimal(string: text, locale: posix))
            let decoded = try #require(try Decimal(postgresText: text, type: .numeric))
            #expect(decoded == general, "\(text)")
            #expect(decoded.description == general.description, "\(text): \(decoded) vs \(general)")
        }
    }

    @Test("what the short path declines still decodes: long, exponent-free wide values, NaN")
    func declined() throws {
        #expect(Decimal.parseShort("12345678901234567890.5") == nil)
        #expect(Decimal.parseShort("NaN") == nil && Decimal.parseShort("1e5") == nil && Decimal.parseShort("") == nil)
        #expect(try Decimal(postgresText: "NaN", type: .numeric) == nil)
        #expect(try Decimal(postgresText: "12345678901234567890.5", type: .numeric) == Decimal(string: "12345678901234567890.5"))
    }
}

@Suite("numeric text prints as Decimal prints it")
struct NumericTextTests {
    @Test("the canonical text of short and long numerics is Decimal's description, on 20,000 random texts and edges")
    func sameAsDecimal() throws {
        var texts = ["0", "-0", "0.00", "-0.00", "1", "-1", "12.50", "0.5", "-0.001", "76000.00", "100", "1000000", "007.0700",
                     "33.3333333333333333", "9999999999999999999", "99999999999999999999", "1234567890123456.78", "0.0000000000000000001",
                     "18446744073709551615", "-12345678901234567890.123456789", "63.33333333333333333333333333333333333333", "NaN"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = String(UInt64.random(in: 0...UInt64.max, using: &generator)).prefix(Int.random(in: 1...20, using: &generator))
            let fraction = String(UInt64.random(in: 0...UInt64.max, using: &generator)).prefix(Int.random(in: 0...20, using: &generator))
            texts.append((Bool.random(using: &generator) ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction))
        }
        for text in texts {
            let expected = try Decimal(postgresText: text, type: .numeric)?.description
            #expect(try NumericText(postgresText: text, type: .numeric)?.text == expected, "\(text)")
        }
    }
}
