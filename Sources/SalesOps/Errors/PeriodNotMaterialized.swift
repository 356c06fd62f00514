/// A period whose KPIs have not been computed (materialized) yet — or, with no label, an org
/// with no period computed at all. Operators and tenants are told different things: an
/// operator can materialize it now; a tenant learns when the nightly run computes it and where
/// the org's runs are listed.
public struct PeriodNotMaterialized: Error, Sendable, Equatable, CustomStringConvertible {
    /// The period asked for; nil when the org has no materialized period at all.
    public var label: String?
    /// The org's time zone, in which each day ends before the nightly run computes it.
    public var timezone: String

    public init(label: String?, timezone: String) {
        self.label = label
        self.timezone = timezone
    }

    /// For operators (the CLI).
    public var description: String {
        let what = self.label.map { "period \($0) has not been materialized" } ?? "no period has been materialized yet"
        return what + "; 'salesctl kpi materialize' computes it now, or the nightly scheduler after the day ends"
    }

    /// For tenants (the API and the dashboard): when the nightly run computes it, and where its
    /// runs are listed (`runs`, e.g. `GET /v1/scheduler/runs`). Never an operator command.
    public func tenantMessage(runs: String) -> String {
        let what = self.label.map { "period \($0) has not been computed yet" } ?? "no period has been computed yet"
        return what + ": the nightly run computes each day after it ends in the org's time zone (\(self.timezone)), "
            + "together with the week, month, quarter and fiscal year containing it; earlier history appears once it "
            + "is backfilled. This org's nightly runs: \(runs)"
    }
}
