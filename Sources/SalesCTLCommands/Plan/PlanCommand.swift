import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl plan ...`
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Plan next period's quotas from the org's own history.",
        subcommands: [PlanQuotas.self])
}

/// `salesctl plan quotas --org SLUG --period P [--scope team:X] [--total AMOUNT] [--apply [--replace]] [--json|--csv]`
struct PlanQuotas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quotas",
        abstract: "Draft revenue quotas: each rep's capacity (productivity × ramp × active days × seasonality), bottom-up or split "
            + "from --total; --apply writes them as targets.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scopeOrg: OrgOption

    @Option(help: "2026 (fiscal year), 2026-Q3, 2026-11 or 2026-W47.")
    var period: PeriodArgument

    @Option(help: ArgumentHelp("org or team:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument = ScopeArgument(argument: "org")!

    @Option(help: "Split this total in proportion to capacity (to the cent) instead of quotas = capacities.")
    var total: DecimalArgument?

    @Flag(help: "Write the plan as revenue targets (one transaction; an unchanged target is not rewritten).")
    var apply = false

    @Flag(help: "With --apply: replace the period's revenue targets that differ from the plan.")
    var replace = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if self.replace && !self.apply { throw ValidationError("--replace goes with --apply") }
    }

    func run() throws {
        try reportingErrors {
            let (org, plan, written) = try Session.open(self.global).inOrg(self.scopeOrg.org) { org, session in
                let engine = ForecastEngine(session: session)
                let plan = try engine.planQuotas(period: self.period.label, scope: self.scope.scope, total: self.total?.value)
                return (org, plan, self.apply ? try engine.apply(plan, replace: self.replace) : nil)
            }
            try Output.print(Self.rendering(plan, written: written, human: HumanValue(currency: org.currency)), as: self.output.format)
        }
    }

    static func rendering(_ plan: QuotaPlan, written: Int?, human: HumanValue) -> Rendering {
        let money = { (value: Decimal?) in human.value(value, unit: .money) }
        var text = "\(plan.scope) \(plan.period.kind) \(plan.period.label) (\(plan.period.start)..\(plan.period.end)): "
            + (plan.total.map { "\(money($0)!) split by capacity" } ?? "quotas = capacities") + "\n"
        text += Output.renderFields([
            ("productivity", "\(money(plan.productivityPerDay)!) per active rep-day (ramped reps, \(plan.trailingPeriods.joined(separator: ", ")))"),
            ("ramp", "\(plan.rampDays) days from hire to full productivity (the org's average days to a first activity)"),
            ("seasonality", "\(plan.seasonality)"),
            ("expected at quota", HumanValue.percent(plan.expectedAtQuotaPct)),
            ("applied", written.map { $0 == 0 ? "no target changed" : "\($0) targets written" } ?? "no (a draft; --apply writes it)"),
        ])
        let header = ["REP", "TEAM", "ACTIVE DAYS", "RAMP", "CAPACITY", "QUOTA", "OPEN EXPECTED", "COVERAGE"]
        let rounded = plan.reps.map { rep -> [String?] in
            [rep.rep, rep.team, String(rep.activeDays), "\(rep.rampFactor)", money(rep.capacity), money(rep.quota), money(rep.openExpected),
             rep.coverage.map { "\($0)×" }]
        }
        let exact = plan.reps.map { rep -> [String?] in
            [rep.rep, rep.team, String(rep.activeDays), "\(rep.rampFactor)", "\(rep.capacity)", "\(rep.quota)", "\(rep.openExpected)",
             rep.coverage.map { "\($0)" }]
        }
        text += "\n" + Output.renderTable(header, rounded)
        if !plan.teams.isEmpty {
            text += "\n" + Output.renderTable(["TEAM", "QUOTA (SUBTREE)"], plan.teams.map { [$0.team, money($0.quota)] })
        }
        return Rendering(table: text, header: header, rows: exact, json: plan)
    }
}
