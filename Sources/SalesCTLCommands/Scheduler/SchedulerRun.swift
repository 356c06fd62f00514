import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl scheduler run [--run-at HH:MM] [--trailing-days N] [--concurrency N] [--once]`
struct SchedulerRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Materialize every org's nights as their local run time passes, until stopped.",
        discussion: """
            For every org, each local night whose run time (next local day at --run-at) has passed and that
            has not succeeded is due, from the night before the org was created onwards; missed nights are
            caught up oldest first, one org's nights in order. A night materializes its trailing window as of
            the night. Any number of processes may run against one database: each (org, night) succeeds once.
            SIGTERM or SIGINT: no new work, running nights get --grace-seconds to finish, then roll back;
            exit 0. With --once: do the work due now and exit (65/69/70 if a night failed for good).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Local time after which an org's previous day is due.", valueName: "HH:MM"))
    var runAt: LocalTimeOfDay = .twoAM

    @Option(help: "Days each night re-computes, ending with the night.")
    var trailingDays = 7

    @Option(help: "Nights this process runs at once.")
    var concurrency = 1

    @Flag(help: "Do the work due now, then exit.")
    var once = false

    @Option(help: "Seconds between looks for due work when no run time is nearer.")
    var pollSeconds = 30.0

    @Option(help: "Seconds a night stays leased without a heartbeat before another process may rescue it.")
    var leaseSeconds = 60.0

    @Option(help: "Seconds running nights may take to finish after SIGTERM/SIGINT before they are rolled back.")
    var graceSeconds = 30.0

    @Option(help: "Retries of a transient failure (connection loss, serialization failure, ...) before the night fails.")
    var retryLimit = 5

    @Option(help: "Seconds a failed night waits before it may be claimed again (doubles per attempt, at most 6 hours).")
    var failedRetrySeconds = 60.0

    @Option(help: .hidden)
    var clockStart: InstantArgument?

    @Option(help: .hidden)
    var clockSpeed = 1.0

    func validate() throws {
        for (name, value) in [("--poll-seconds", self.pollSeconds), ("--lease-seconds", self.leaseSeconds),
                              ("--clock-speed", self.clockSpeed)] where !(value > 0) {
            throw ValidationError("\(name) must be positive, got \(value)")
        }
        for (name, value) in [("--grace-seconds", self.graceSeconds), ("--failed-retry-seconds", self.failedRetrySeconds)] where !(value >= 0) {
            throw ValidationError("\(name) cannot be negative, got \(value)")
        }
        do {
            try self.schedulerConfiguration.validate()
        } catch let error as SalesOpsError {
            throw ValidationError(error.description)
        }
    }

    var schedulerConfiguration: SchedulerConfiguration {
        var configuration = SchedulerConfiguration()
        configuration.runAt = self.runAt
        configuration.trailingDays = self.trailingDays
        configuration.concurrency = self.concurrency
        configuration.once = self.once
        configuration.pollInterval = .seconds(self.pollSeconds)
        configuration.leaseDuration = .seconds(self.leaseSeconds)
        configuration.gracePeriod = .seconds(self.graceSeconds)
        configuration.retry.limit = self.retryLimit
        configuration.failedNightDelay = .seconds(self.failedRetrySeconds)
        return configuration
    }

    func run() throws {
        try reportingErrors {
            let configuration = self.schedulerConfiguration
            let logger = self.global.logger
            let pool = ConnectionPool(configuration: self.global.connectionConfiguration,
                                      maximumConnections: 2 * configuration.concurrency + 1, logger: logger)
            defer { pool.shutdown() }
            // Fail fast, with exit 69, when the database cannot be reached at start.
            try pool.withConnection { _ in }
            let clock: any SchedulerClock = self.clockStart.map { AcceleratedClock(start: $0.value, speed: self.clockSpeed) }
                ?? SystemClock()
            // A long-running scheduler also ends BI reader sessions past their limits.
            let watchdog = configuration.once ? nil : ReaderSessionWatchdogTimer(connection: self.global.connectionConfiguration, logger: logger)
            watchdog?.start()
            let summary = NightScheduler(pool: pool, configuration: configuration, clock: clock, logger: logger)
                .run(handlingSignals: true)
            watchdog?.stop()
            print("scheduler: \(summary.succeeded) night(s) succeeded, \(summary.failures.count) failed")
            for failure in summary.failures {
                FileHandle.standardError.write(Data("salesctl: org \(failure.org), night \(failure.night): \(ExitStatus.classify(failure.error).message)\n".utf8))
            }
            guard configuration.once else { return }
            if let error = summary.claimError { throw error }
            if let failure = summary.failures.first { throw ExitCode(ExitStatus.classify(failure.error).code) }
        }
    }
}
