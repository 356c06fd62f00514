/// A time of day on an org's local clock, to the minute (the scheduler's run time).
public struct LocalTimeOfDay: Sendable, Hashable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    /// - Throws: `.invalidInput` unless 0 ≤ hour ≤ 23 and 0 ≤ minute ≤ 59.
    public init(hour: Int, minute: Int) throws {
        guard (0...23).contains(hour), (0...59).contains(minute) else {
            throw SalesOpsError.invalidInput("time of day \(hour):\(minute) is out of range (00:00 to 23:59)")
        }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock).
    /// - Throws: `.invalidInput` naming the text when it is not a valid time of day.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else {
            throw SalesOpsError.invalidInput("time of day '\(text)' is not HH:MM")
        }
        try self.init(hour: hour, minute: minute)
    }

    /// `HH:MM`, which PostgreSQL reads as a `time`.
    public var description: String {
        (self.hour < 10 ? "0" : "") + String(self.hour) + ":" + (self.minute < 10 ? "0" : "") + String(self.minute)
    }

    /// 02:00, the default run time.
    public static let twoAM = try! LocalTimeOfDay(hour: 2, minute: 0)
}
