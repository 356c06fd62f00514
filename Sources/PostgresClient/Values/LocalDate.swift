/// A calendar date without a time or a time zone: PostgreSQL's `date`.
///
/// Comparable, hashable and printed as `YYYY-MM-DD`. Arithmetic is in whole days.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when the parts do not name a real day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date of a day number (days since 1970-01-01).
    public init(dayNumber: Int) {
        let civil = CivilCalendar.civilDate(dayNumber: dayNumber)
        self.year = civil.year
        self.month = civil.month
        self.day = civil.day
    }

    /// Parses exactly `YYYY-MM-DD`; nil for anything else or an impossible day.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = DigitParser.number(bytes, at: 0, count: 4),
              let month = DigitParser.number(bytes, at: 5, count: 2),
              let day = DigitParser.number(bytes, at: 8, count: 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        CivilCalendar.dayNumber(year: self.year, month: self.month, day: self.day)
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: self.dayNumber + days)
    }

    /// Whole days from `self` to `other`.
    public func days(to other: LocalDate) -> Int {
        other.dayNumber - self.dayNumber
    }

    /// ISO weekday, 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (self.dayNumber % 7 + 7) % 7
        return (offset + 3) % 7 + 1
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension LocalDate: Codable {
    /// Decodes from a `YYYY-MM-DD` string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a YYYY-MM-DD date")
        }
        self = date
    }

    /// Encodes as a `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
