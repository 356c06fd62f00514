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
                 Self.rows($0), $0.error.map { $0.split(separator: "\n").first.map(String.init) ?? "" }]
            }) + (runs.contains(where: Self.unchanged) ? Self.unchangedNote : "")
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

    /// Whether a night succeeded without writing a row.
    static func unchanged(_ run: SchedulerRunRecord) -> Bool {
        run.status == "succeeded" && run.rowsWritten == 0
    }

    /// What a 0 in the rows column means, printed under the runs when one has it.
    static let unchangedNote = "0 (unchanged): the night recomputed every value of its periods and each equaled the stored one; "
        + "nothing changed since the last run, so nothing was rewritten.\n"

    /// The rows column: the count, and for a night that wrote none, that nothing changed.
    static func rows(_ run: SchedulerRunRecord) -> String? {
        self.unchanged(run) ? "0 (unchanged)" : run.rowsWritten.map(String.init)
    }
}
