import ArgumentParser

/// `salesctl kpi ...`
struct KPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi", abstract: "Materialize KPI facts.",
        subcommands: [KPIMaterialize.self])
}
