import ArgumentParser
import Foundation
import SalesOps

/// `salesctl forecast backtest --org SLUG --period-kind month|quarter [--from P1 --to P2] [--at-fraction F] [--scope S] [--json|--csv]`
struct ForecastBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Forecast each closed past period as far into it as --at-fraction and compare with what it ended at, "
            + "for the model, the naive run-rate, the stage-weighted pipeline and the commit calls.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scopeOrg: OrgOption

    @Option(name: .customLong("period-kind"), help: "week, month, quarter or year.")
    var periodKind: String

    @Option(help: "The first period (default: 12 months or 8 quarters before --to).")
    var from: PeriodArgument?

    @Option(help: "The last period (default: the last closed one).")
    var to: PeriodArgument?

    @Option(name: .customLong("at-fraction"), help: "How far into each period the forecast is made, in (0, 1].")
    var atFraction: DecimalArgument = DecimalArgument(argument: "0.5")!

    @Option(help: ArgumentHelp("org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument = ScopeArgument(argument: "org")!

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let (org, backtest) = try Session.open(self.global).inOrg(self.scopeOrg.org) { org, session in
                (org, try ForecastEngine(session: session).backtest(kind: self.periodKind, from: self.from?.label, to: self.to?.label,
                                                                    atFraction: self.atFraction.value, scope: self.scope.scope))
            }
            try Output.print(Self.rendering(backtest, human: HumanValue(currency: org.currency)), as: self.output.format)
        }
    }

    /// Per period the forecasts against the actual, then the summary and the reps' calls; CSV holds the periods.
    static func rendering(_ backtest: ForecastBacktest, human: HumanValue) -> Rendering {
        let money = { (value: Decimal?) in human.value(value, unit: .money) }
        let header = ["PERIOD", "AS OF", "ACTUAL", "MODEL", "P10", "P90", "RUN RATE", "WEIGHTED PIPELINE", "COMMIT"]
        let rounded = backtest.periods.map { row -> [String?] in
            [row.label, row.asOf.description, money(row.actual), money(row.model), money(row.low), money(row.high),
             money(row.runRate), money(row.weightedPipeline), money(row.commit)]
        }
        let exact = backtest.periods.map { row -> [String?] in
            [row.label, row.asOf.description, "\(row.actual)", "\(row.model)", row.low.map { "\($0)" }, row.high.map { "\($0)" },
             "\(row.runRate)", "\(row.weightedPipeline)", row.commit.map { "\($0)" }]
        }
        var text = "\(backtest.scope) \(backtest.periodKind)s, each forecast \(backtest.atFraction) of the way in\n"
        text += Output.renderTable(header, rounded) + "\n"
        text += Output.renderTable(["METHOD", "PERIODS", "MAPE", "BIAS", "P10..P90 COVERAGE"], backtest.summary.map {
            [$0.method, String($0.periods), HumanValue.percent($0.mapePct), HumanValue.percent($0.biasPct), HumanValue.percent($0.coveragePct)]
        })
        if !backtest.repCalls.isEmpty {
            text += "\n" + Output.renderTable(["REP", "PERIODS", "CALLED", "WON", "CALLED ÷ WON", "VERDICT"], backtest.repCalls.map {
                [$0.rep, String($0.periods), money($0.called), money($0.won), HumanValue.percent($0.callVsWonPct), $0.verdict]
            })
        }
        return Rendering(table: text, header: header, rows: exact, json: backtest)
    }
}
