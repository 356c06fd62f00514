import ArgumentParser

/// `salesctl kpi ...`
struct KPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi", abstract: "Materialize and show KPIs.",
        subcommands: [KPIMetrics.self, KPIMaterialize.self, KPIShow.self, KPIExplain.self])
}
