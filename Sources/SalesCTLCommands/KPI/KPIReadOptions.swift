import ArgumentParser

/// The period and scope a KPI read names (`kpi show`, `kpi explain`).
struct KPIReadOptions: ParsableArguments {
    @Option(help: "2026 (fiscal year), 2026-Q3, 2026-11, 2026-W47 or 2026-11-05.")
    var period: PeriodArgument

    @Option(help: ArgumentHelp("org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument = ScopeArgument(argument: "org")!
}
