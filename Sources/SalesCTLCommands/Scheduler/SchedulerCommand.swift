import ArgumentParser

/// `salesctl scheduler ...`
struct SchedulerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler", abstract: "Run the nightly KPI scheduler and see its runs.",
        subcommands: [SchedulerRun.self, SchedulerStatusCommand.self])
}
