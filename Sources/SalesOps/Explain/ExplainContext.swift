import PostgresClient

/// The bound inputs of one explanation: the org, the period's local days and the scope's reps.
struct ExplainContext: Sendable {
    var orgID: Int64
    var timeZone: String
    var fiscalYearStartMonth: Int
    /// ps, pe and e = min(pe, as-of).
    var start: LocalDate
    var end: LocalDate
    var stop: LocalDate
    var periodKind: String
    /// The stored scope id (0 for the org).
    var scopeID: Int64 = 0
    /// Nil for the org scope (everything, attributed or not); else the reps whose items count.
    var scopeReps: [Int64]?
    /// The stage of a stage metric.
    var stageID: Int64?
    /// The breakdown key, with its dimension.
    var dimension: String?
    var key: String?

    /// A local day of a timestamp column: `salesops.local_day(ts, org.timezone)`.
    func day(_ column: String) -> Query {
        "salesops.local_day(\(unescaped: column), \(self.timeZone))"
    }

    /// Whether a local day of a timestamp column falls in P (ps ... e).
    func inPeriod(_ column: String) -> Query {
        self.localDay(of: column, from: self.start, to: self.stop)
    }

    /// Whether a local day of a timestamp column falls in [from, to]. The definition is the
    /// local-day test; the same bounds as instants (the start of `from`'s local day up to the
    /// start of the day after `to`) only let the event-time indexes find the rows.
    func localDay(of column: String, from: LocalDate, to: LocalDate) -> Query {
        """
        (\(unescaped: column) >= salesops.day_start(\(from)::date, \(self.timeZone))
         AND \(unescaped: column) < salesops.day_start(\(to)::date + 1, \(self.timeZone))
         AND \(self.day(column)) BETWEEN \(from)::date AND \(to)::date)
        """
    }

    /// Whether an item attributed to the rep in `column` counts toward the scope.
    func attributed(_ column: String) -> Query {
        guard let reps = self.scopeReps else { return "true" }
        return "\(unescaped: column) = ANY(\(reps)::bigint[])"
    }

    /// The breakdown key's filter on a column (a null column is the key `(none)`).
    func breakdownKey(_ column: String) -> Query {
        guard let key = self.key else { return "true" }
        return "coalesce(\(unescaped: column)::text, '(none)') = \(key)"
    }
}
