import ArgumentParser
import SalesOps

/// The scope, metric and period options shared by `target set` and `target delete`.
struct TargetKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument

    @Option(help: "A metric of the KPI catalogue, e.g. revenue.")
    var metric: String

    @Option(help: "2026, 2026-Q3, 2026-11 or 2026-W47.")
    var period: String

    func validate() throws {
        guard self.period.range(of: #"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-W(0[1-9]|[1-4][0-9]|5[0-3]))?$"#,
                                options: .regularExpression) != nil else {
            throw ValidationError("--period '\(self.period)' must be 2026, 2026-Q3, 2026-11 or 2026-W47")
        }
    }
}
