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
    /// Nil for the org scope (everything, attributed or not); else the reps whose items count.
    var scopeReps: [Int64]?
    /// The stage of a stage metric.
    var stageID: Int64?
    /// The breakdown key, with its dimension.
    var dimension: String?
    var key: String?

    /// A local day of a timestamp column: `(ts AT TIME ZONE org.timezone)::date`.
    func day(_ column: String) -> Query {
        "(\(unescaped: column) AT TIME ZONE \(self.timeZone))::date"
    }

    /// Whether a local day of a timestamp column falls in P (ps ... e).
    func inPeriod(_ column: String) -> Query {
        "\(self.day(column)) BETWEEN \(self.start)::date AND \(self.stop)::date"
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
