import PostgresClient

extension PeriodLabel {
    /// The label of the period of `kind` starting on `start` (a period's first local date):
    /// `2026-11-05`, `2026-W47`, `2026-11`, `2026-Q3` or `2026`, quarters and years on the
    /// fiscal calendar starting in `fiscalYearStartMonth` (a fiscal year is named by the
    /// calendar year it starts in).
    public static func of(kind: String, start: LocalDate, fiscalYearStartMonth: Int) -> String {
        func padded(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        switch kind {
        case "day": return start.description
        case "week":
            // The ISO year is the year of the week's Thursday.
            let thursday = start.adding(days: 4 - start.isoWeekday)
            let firstThursday = LocalDate(year: thursday.year, month: 1, day: 1).map { $0.adding(days: (4 - $0.isoWeekday + 7) % 7) }!
            return "\(padded(thursday.year, 4))-W\(padded(firstThursday.days(to: thursday) / 7 + 1, 2))"
        case "month": return "\(padded(start.year, 4))-\(padded(start.month, 2))"
        case "quarter":
            let monthsIntoYear = (start.month - fiscalYearStartMonth + 12) % 12
            let fiscalYear = start.month >= fiscalYearStartMonth ? start.year : start.year - 1
            return "\(padded(fiscalYear, 4))-Q\(monthsIntoYear / 3 + 1)"
        default: return padded(start.year, 4)
        }
    }

    /// The start of the period of `kind` before the one starting on `start`.
    public static func previousStart(kind: String, start: LocalDate) -> LocalDate {
        self.start(kind: kind, from: start, shiftedBy: -1)
    }

    /// The start of the period of `kind` after the one starting on `start`.
    public static func nextStart(kind: String, start: LocalDate) -> LocalDate {
        self.start(kind: kind, from: start, shiftedBy: 1)
    }

    /// The start of the period `periods` periods of `kind` away from the one starting on `start`.
    static func start(kind: String, from start: LocalDate, shiftedBy periods: Int) -> LocalDate {
        func months(_ count: Int) -> LocalDate {
            let index = start.year * 12 + (start.month - 1) + count
            return LocalDate(year: index / 12, month: index % 12 + 1, day: 1)!
        }
        switch kind {
        case "day": return start.adding(days: periods)
        case "week": return start.adding(days: 7 * periods)
        case "month": return months(periods)
        case "quarter": return months(3 * periods)
        default: return months(12 * periods)
        }
    }

    /// The start of the period of `kind` that contains `day`, on the fiscal calendar
    /// starting in `fiscalYearStartMonth`.
    public static func start(of kind: String, containing day: LocalDate, fiscalYearStartMonth: Int) -> LocalDate {
        switch kind {
        case "day": return day
        case "week": return day.adding(days: 1 - day.isoWeekday)
        case "month": return LocalDate(year: day.year, month: day.month, day: 1)!
        default:
            let monthsIntoYear = (day.month - fiscalYearStartMonth + 12) % 12
            let months = kind == "quarter" ? monthsIntoYear % 3 : monthsIntoYear
            let index = day.year * 12 + (day.month - 1) - months
            return LocalDate(year: index / 12, month: index % 12 + 1, day: 1)!
        }
    }
}
