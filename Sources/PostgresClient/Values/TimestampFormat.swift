import Foundation

/// Parses and prints instants in the forms PostgreSQL and RFC 3339 use.
///
/// Accepted: `YYYY-MM-DD[T| ]HH:MM:SS[.fraction](Z|±HH[:MM[:SS]])`. With `strictRFC3339` the
/// separator must be `T` (or `t`), and the offset `Z` or `±HH:MM`, as the CSV formats require.
public enum TimestampFormat {
    /// Microseconds since 1970-01-01T00:00:00Z, or nil when `text` is not a valid instant.
    public static func epochMicroseconds(_ text: some StringProtocol, strictRFC3339: Bool = false) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20,
              let year = DigitParser.number(b, at: 0, count: 4), b[4] == UInt8(ascii: "-"),
              let month = DigitParser.number(b, at: 5, count: 2), b[7] == UInt8(ascii: "-"),
              let day = DigitParser.number(b, at: 8, count: 2),
              let hour = DigitParser.number(b, at: 11, count: 2), b[13] == UInt8(ascii: ":"),
              let minute = DigitParser.number(b, at: 14, count: 2), b[16] == UInt8(ascii: ":"),
              let second = DigitParser.number(b, at: 17, count: 2),
              LocalDate(year: year, month: month, day: day) != nil,
              hour < 24, minute < 60, second < 60
        else { return nil }
        let separator = b[10]
        if strictRFC3339 {
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") else { return nil }
        } else {
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") else { return nil }
        }
        var index = 19
        var micros = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int(b[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 6 {
                for _ in digits..<6 { micros *= 10 }
            }
        }
        guard let offsetSeconds = Self.offsetSeconds(b, from: index, strict: strictRFC3339) else { return nil }
        let days = CivilCalendar.dayNumber(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    private static func offsetSeconds(_ b: [UInt8], from index: Int, strict: Bool) -> Int? {
        guard index < b.count else { return nil }
        let sign = b[index]
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
            return index + 1 == b.count ? 0 : nil
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let rest = b.count - index - 1
        guard let hours = DigitParser.number(b, at: index + 1, count: 2), hours <= 15 else { return nil }
        var minutes = 0
        var seconds = 0
        switch rest {
        case 5 where b[index + 3] == UInt8(ascii: ":"):
            guard let m = DigitParser.number(b, at: index + 4, count: 2) else { return nil }
            minutes = m
        case 2 where !strict:
            break
        case 8 where !strict && b[index + 3] == UInt8(ascii: ":") && b[index + 6] == UInt8(ascii: ":"):
            guard let m = DigitParser.number(b, at: index + 4, count: 2),
                  let s = DigitParser.number(b, at: index + 7, count: 2) else { return nil }
            minutes = m
            seconds = s
        default:
            return nil
        }
        guard minutes < 60, seconds < 60 else { return nil }
        let total = hours * 3600 + minutes * 60 + seconds
        return sign == UInt8(ascii: "-") ? -total : total
    }

    /// Parses an instant into a `Date`, or nil when invalid.
    public static func date(_ text: some StringProtocol, strictRFC3339: Bool = false) -> Date? {
        guard let micros = epochMicroseconds(text, strictRFC3339: strictRFC3339) else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// Prints an instant as RFC 3339 in UTC, with microseconds when it has any:
    /// `2026-11-05T09:30:00Z`, `2026-11-05T09:30:00.250000Z`.
    public static func rfc3339(_ date: Date) -> String {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let civil = LocalDate(dayNumber: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let fraction = micros == 0 ? "" : "." + pad(Int(micros), 6)
        return "\(civil)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))\(fraction)Z"
    }
}
