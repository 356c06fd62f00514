import ArgumentParser
import SalesOps

/// The scope, metric and period options shared by `target set` and `target delete`.
struct TargetKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument

    @Option(help: "A metric of the KPI catalogue, e.g. revenue.")
    var metric: String

    @Option(help: "2026, 2026-Q3, 2026-11 or 2026-W47.")
    var period: PeriodArgument

    func validate() throws {
        guard !self.period.isDay else {
            throw ValidationError("--period '\(self.period)' must be 2026, 2026-Q3, 2026-11 or 2026-W47 (targets are not set per day)")
        }
    }
}
