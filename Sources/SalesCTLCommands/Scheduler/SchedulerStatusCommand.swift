import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl scheduler status [--org SLUG] [--json|--csv]`
struct SchedulerStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each org's last succeeded night, nights behind, failures and recent runs.",
        discussion: """
            --json prints the recent runs as an array of objects (--csv as rows with the same columns): org, night, status (running, succeeded,
            failed), attempts, worker, started_at, finished_at, rows_written, error, next_attempt_at,
            lease_expires_at.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only this org.", valueName: "slug"))
    var org: String?

    @Option(help: ArgumentHelp("The schedulers' run time, for counting nights behind.", valueName: "HH:MM"))
    var runAt: LocalTimeOfDay = .twoAM

    @Option(help: "Recent runs shown per org.")
    var limit = 10

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard self.limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(self.limit)") }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let reader = SchedulerStatusReader(connection: session.connection)
            let orgs = try reader.orgs(slug: self.org, runAt: self.runAt)
            let runs = try reader.recentRuns(slug: self.org, limit: self.limit)
            let summary = Output.renderTable(["org", "timezone", "last succeeded", "nights behind", "running", "failed"], orgs.map {
                [$0.org, $0.timezone, $0.lastSucceeded?.description ?? "-", String($0.nightsBehind), String($0.running), String($0.failed)]
            })
            let recent = Output.renderTable(["org", "night", "status", "attempts", "started", "finished", "rows", "error"], runs.map {
                [$0.org, $0.night.description, $0.status, String($0.attempts), Output.instant($0.startedAt), Output.instant($0.finishedAt),
                 $0.rowsWritten.map(String.init), $0.error.map { $0.split(separator: "\n").first.map(String.init) ?? "" }]
            })
            let header = ["org", "night", "status", "attempts", "worker", "started_at", "finished_at", "rows_written", "error",
                          "next_attempt_at", "lease_expires_at"]
            let rows = runs.map {
                [$0.org, $0.night.description, $0.status, String($0.attempts), $0.worker, Output.instant($0.startedAt),
                 Output.instant($0.finishedAt), $0.rowsWritten.map(String.init), $0.error, Output.instant($0.nextAttemptAt),
                 Output.instant($0.leaseExpiresAt)]
            }
            try Output.print(Rendering(table: summary + "\n" + recent, header: header, rows: rows, json: runs), as: self.output.format)
        }
    }
}
