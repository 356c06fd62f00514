import ArgumentParser

/// `salesctl forecast ...`
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Forecast where a period's revenue will land, and backtest the forecast on the org's history.",
        subcommands: [ForecastShow.self, ForecastBacktestCommand.self])
}
