import ArgumentParser

/// `salesctl`: the admin CLI of the sales KPI backend.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct SalesCTL: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "salesctl",
        abstract: "Manage orgs, teams, reps, pipelines, targets, imports and schema of the sales KPI backend.",
        discussion: """
            Connects with --database-url, else $DATABASE_URL, else libpq's PG* variables.
            Exit codes: 0 success, 64 usage error, 65 bad data, 69 database unavailable, 70 internal error, \
            75 temporary failure (a lock or statement timeout; retrying may succeed).
            """,
        version: "0.1.0",
        subcommands: [
            MigrateCommand.self, OrgCommand.self, TeamCommand.self, RepCommand.self, PipelineCommand.self,
            StageCommand.self, DealCommand.self, TargetCommand.self, ImportCommand.self, KPICommand.self, ForecastCommand.self, PlanCommand.self, DemoCommand.self, SchedulerCommand.self,
            TokenCommand.self, ServeCommand.self, ClusterCommand.self,
        ]
    )

    public init() {}
}
