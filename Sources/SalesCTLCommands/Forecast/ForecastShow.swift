import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl forecast show --org SLUG --period P [--scope S] [--as-of D] [--json|--csv]`
struct ForecastShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Forecast a period's revenue as of a day inside it: the value, its P10/P90 interval and its parts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scopeOrg: OrgOption

    @Option(help: "2026 (fiscal year), 2026-Q3, 2026-11 or 2026-W47.")
    var period: PeriodArgument

    @Option(help: ArgumentHelp("org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument = ScopeArgument(argument: "org")!

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Forecast with what was known at the end of this local day (YYYY-MM-DD, inside the period; default: yesterday, or the period's last day).",
        valueName: "day"))
    var asOf: LocalDate?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let (org, forecast) = try Session.open(self.global).inOrg(self.scopeOrg.org) { org, session in
                (org, try ForecastEngine(session: session).forecast(period: self.period.label, scope: self.scope.scope, asOf: self.asOf))
            }
            try Output.print(Self.rendering(forecast, human: HumanValue(currency: org.currency)), as: self.output.format)
        }
    }

    /// The forecast as lines and a table of its parts, JSON, or its parts as CSV (every digit).
    static func rendering(_ forecast: Forecast, human: HumanValue) -> Rendering {
        let money = { (value: Decimal?) in human.value(value, unit: .money) }
        let period = forecast.period
        var text = "\(forecast.scope) \(period.kind) \(period.label) (\(period.start)..\(period.end)), as of \(forecast.asOf)\n"
        text += Output.renderFields([
            ("forecast", money(forecast.value)),
            ("P10..P90", forecast.low.flatMap { low in forecast.high.map { "\(money(low)!) .. \(money($0)!)" } } ?? "none"),
            ("interval", forecast.intervalNote),
            ("target", money(forecast.target)),
            ("forecast vs target", HumanValue.percent(forecast.attainmentPct)),
            ("run-rate baseline", money(forecast.baselines.runRate)),
            ("weighted pipeline", money(forecast.baselines.weightedPipeline)),
        ] + forecast.calls.map { ("latest \($0.category.rawValue) call", "\(money($0.amount)!) (\($0.scope), \(Output.instant($0.submittedAt)!))") })
        let header = ["PART", "PIPELINE", "STAGE", "DEALS", "AMOUNT", "WIN PROBABILITY", "EXPECTED", "OBSERVATIONS"]
        var rounded: [[String?]] = [["won to date", nil, nil, String(forecast.wonToDate.deals), money(forecast.wonToDate.amount), nil,
                                     money(forecast.wonToDate.amount), nil]]
        var exact: [[String?]] = [["won_to_date", nil, nil, String(forecast.wonToDate.deals), "\(forecast.wonToDate.amount)", nil,
                                   "\(forecast.wonToDate.amount)", nil]]
        for part in forecast.openPipeline {
            rounded.append(["open", part.pipeline, part.stage, String(part.deals), money(part.amount),
                            HumanValue.percent(100 * part.winProbability), money(part.expected), String(part.observations)])
            exact.append(["open", part.pipeline, part.stage, String(part.deals), "\(part.amount)", "\(part.winProbability)",
                          "\(part.expected)", String(part.observations)])
        }
        let created = "learned from \(forecast.notYetCreated.historyDays) days"
        rounded.append(["not yet created", nil, nil, nil, nil, nil, money(forecast.notYetCreated.expected), created])
        exact.append(["not_yet_created", nil, nil, nil, nil, nil, "\(forecast.notYetCreated.expected)", String(forecast.notYetCreated.historyDays)])
        text += "\n" + Output.renderTable(header, rounded) + forecast.notes.map { "note: \($0)\n" }.joined()
        return Rendering(table: text, header: header, rows: exact, json: forecast)
    }
}
