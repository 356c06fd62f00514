import ArgumentParser
import SalesOps

/// `salesctl target ...`
struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target", abstract: "Set, list and delete targets (quotas).",
        discussion: "Periods: 2026 (fiscal year starting in 2026), 2026-Q3 (fiscal quarter), 2026-11 (month), 2026-W47 (ISO week).",
        subcommands: [TargetSet.self, TargetList.self, TargetDelete.self])

    static func print(_ targets: [Target]) {
        Output.table(["SCOPE", "METRIC", "PERIOD", "FROM", "TO", "VALUE"], targets.map {
            [$0.scopeKind.rawValue + ($0.scopeExternalID.map { ":" + $0 } ?? ""), $0.metric, $0.period,
             $0.periodStart?.description, $0.periodEnd?.description, "\($0.value)"]
        })
    }
}

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

struct TargetSet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a target (replacing the value of an existing one).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption
    @OptionGroup var key: TargetKeyOptions

    @Option(help: "The target value.")
    var value: DecimalArgument

    func run() throws {
        try reportingErrors {
            let target = try Session.open(self.global).inOrg(self.org.org) { session in
                try TargetRepository(session: session).set(scope: self.key.scope.scope, metric: self.key.metric,
                                                           period: self.key.period, value: self.value.value)
            }
            TargetCommand.print([target])
        }
    }
}

struct TargetList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List targets.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @Option(help: ArgumentHelp("Only this scope: org, team:EXTERNAL_ID or rep:EXTERNAL_ID.", valueName: "scope"))
    var scope: ScopeArgument?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let targets = try Session.open(self.global).inOrg(self.org.org) { try TargetRepository(session: $0).list(scope: self.scope?.scope) }
            if self.json { try Output.json(targets) } else { TargetCommand.print(targets) }
        }
    }
}

struct TargetDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a target.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption
    @OptionGroup var key: TargetKeyOptions

    func run() throws {
        try reportingErrors {
            try Session.open(self.global).inOrg(self.org.org) { session in
                try TargetRepository(session: session).delete(scope: self.key.scope.scope, metric: self.key.metric, period: self.key.period)
            }
            print("deleted target \(self.key.metric) \(self.key.period)")
        }
    }
}
