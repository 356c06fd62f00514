import Dispatch
import Foundation
import Logging
import PostgresClient

/// What a scheduler process did before it stopped.
public struct SchedulerSummary: Sendable {
    /// Nights this process completed.
    public var succeeded = 0
    /// Nights that failed for good in this process (retries exhausted or not transient).
    public var failures: [NightFailure] = []
    /// Why the process could not look for work, when that ended a `once` run.
    public var claimError: (any Error)?
}

/// A night that failed for good.
public struct NightFailure: Sendable {
    public var org: String
    public var night: LocalDate
    public var error: any Error
}

/// The nightly scheduler: claims due nights from PostgreSQL and materializes them, with
/// leases, retries and a graceful stop.
///
/// Control runs on one serial queue, which owns all mutable state below and the timers
/// (hence `@unchecked Sendable`; every control function asserts it runs there with
/// `dispatchPrecondition`); blocking database work runs on a concurrent worker queue
/// and reports back to the control queue. The poll timer is created and resumed once and
/// cancelled once; it is re-armed with `schedule` for the next run time (wall clock) or the
/// next poll (monotonic clock), whichever is sooner.
public final class NightScheduler: @unchecked Sendable {
    /// The control state. Each phase carries what it owns, so a timer or a held night cannot
    /// outlive the phase that may use it.
    private enum State {
        /// Not started.
        case idle
        /// Taking work.
        case running(Control)
        /// No new work; the nights still held finish, or are abandoned after the grace period.
        case stopping(Control)
        /// Done: the timer and the signal sources are cancelled.
        case finished
    }

    /// What a started scheduler owns while it runs or stops.
    private struct Control {
        let pollTimer: DispatchSourceTimer
        var signalSources: [DispatchSourceSignal]
        /// The nights held, by lease token, each with the heartbeat renewing its lease.
        var running: [UUID: (run: NightRun, heartbeat: LeaseHeartbeat)] = [:]
        /// A claim is in flight on a worker.
        var isClaiming = false
        /// Claims that failed in a row.
        var claimFailures = 0
    }

    private let pool: ConnectionPool
    private let configuration: SchedulerConfiguration
    private let clock: any SchedulerClock
    private let logger: Logger
    private let queue = DispatchQueue(label: "salesops.scheduler.control")
    private let workers = DispatchQueue(label: "salesops.scheduler.work", attributes: .concurrent)
    private let done = DispatchSemaphore(value: 0)

    private var state = State.idle
    private var summary = SchedulerSummary()
    private var random = SystemRandomNumberGenerator()

    /// - Parameters:
    ///   - pool: connections for claims, heartbeats and the nights themselves; give it at
    ///     least `2 × concurrency + 1` connections.
    ///   - clock: decides which nights are due.
    public init(pool: ConnectionPool, configuration: SchedulerConfiguration, clock: any SchedulerClock = SystemClock(),
                logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Runs until `stop()` (or, with `once`, until no due work is left), and returns what
    /// this process did.
    /// - Parameter handlingSignals: stop on SIGTERM and SIGINT (a second signal abandons the
    ///   running nights at once).
    public func run(handlingSignals: Bool = false) -> SchedulerSummary {
        self.queue.sync {
            guard case .idle = self.state else { preconditionFailure("a scheduler runs once") }
            let timer = DispatchSource.makeTimerSource(queue: self.queue)
            timer.setEventHandler { [unowned self] in self.tick() }
            timer.schedule(deadline: .now())
            self.state = .running(Control(pollTimer: timer, signalSources: handlingSignals ? self.trapSignals() : []))
            timer.resume()
            self.logger.info("scheduler: started", metadata: [
                "worker": "\(self.configuration.worker)", "run_at": "\(self.configuration.runAt)",
                "concurrency": "\(self.configuration.concurrency)", "once": "\(self.configuration.once)",
            ])
        }
        self.done.wait()
        return self.queue.sync { self.summary }
    }

    /// Takes no new work; lets the running nights finish within the grace period, then
    /// abandons (rolls back) what is still running. Safe from any thread.
    public func stop() {
        self.queue.async { self.beginStopping() }
    }

    // MARK: - Control (on `queue`)

    /// The held control state, in either phase that has one.
    private var control: Control? {
        switch self.state {
        case .running(let control), .stopping(let control): control
        case .idle, .finished: nil
        }
    }

    private var isRunning: Bool {
        if case .running = self.state { true } else { false }
    }

    private var isStopping: Bool {
        if case .stopping = self.state { true } else { false }
    }

    /// Changes the control state in place, keeping the phase; nil when there is none.
    @discardableResult
    private func modifyControl<Result>(_ body: (inout Control) -> Result) -> Result? {
        dispatchPrecondition(condition: .onQueue(self.queue))
        switch self.state {
        case .running(var control):
            defer { self.state = .running(control) }
            return body(&control)
        case .stopping(var control):
            defer { self.state = .stopping(control) }
            return body(&control)
        case .idle, .finished:
            return nil
        }
    }

    private func trapSignals() -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: self.queue)
            source.setEventHandler { [unowned self] in
                if self.isStopping {
                    self.logger.notice("scheduler: second signal, abandoning the running nights")
                    self.abandonRunning()
                } else {
                    self.logger.notice("scheduler: signal \(number) received, stopping")
                    self.beginStopping()
                }
            }
            source.resume()
            return source
        }
    }

    private func tick() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard self.isRunning, let control = self.control, !control.isClaiming else { return }
        let free = self.configuration.concurrency - control.running.count
        guard free > 0 else { return }
        self.modifyControl { $0.isClaiming = true }
        let now = self.clock.now()
        let configuration = self.configuration
        self.workers.async { [pool = self.pool] in
            let result = Result {
                try pool.withConnection { connection in
                    try NightLedger(connection: connection).claim(
                        limit: free, now: now, runAt: configuration.runAt, worker: configuration.worker,
                        lease: configuration.leaseDuration)
                }
            }
            // What to wait for when this claim leaves slots free: the next run time, or (with
            // `once`) nights other processes are running, whose end may free further nights.
            let nextRunTime = configuration.once ? nil : try? pool.withConnection {
                try NightLedger(connection: $0).nextRunTime(after: now, runAt: configuration.runAt)
            }
            let claimedCount = (try? result.get().count) ?? free
            let runningNights = configuration.once && claimedCount < free
                ? (try? pool.withConnection { try NightLedger(connection: $0).runningNights() }) ?? 1
                : 0
            self.queue.async { self.claimed(result, free: free, nextRunTime: nextRunTime, runningNights: runningNights) }
        }
    }

    private func claimed(_ result: Result<[ClaimedNight], any Error>, free: Int, nextRunTime: Date?, runningNights: Int) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.modifyControl { $0.isClaiming = false }
        switch result {
        case let .success(claims) where !self.isRunning:
            claims.forEach(self.release)
            if self.control?.running.isEmpty ?? true { self.finish() }
        case let .success(claims):
            self.modifyControl { $0.claimFailures = 0 }
            claims.forEach(self.start)
            if claims.count == free {
                self.control?.pollTimer.schedule(deadline: .now())
            } else if self.configuration.once {
                // Done when nothing is due and no night runs anywhere; while others run
                // nights, look again every second (their orgs' next nights may follow).
                if self.control?.running.isEmpty ?? true {
                    if runningNights == 0 {
                        self.finish()
                    } else {
                        let wait = min(self.configuration.pollInterval, .seconds(1))
                        self.control?.pollTimer.schedule(deadline: .now() + wait.dispatchInterval, leeway: .milliseconds(10))
                    }
                }
            } else {
                self.armPollTimer(nextRunTime: nextRunTime)
            }
        case .failure where !self.isRunning:
            if self.control?.running.isEmpty ?? true { self.finish() }
        case let .failure(error):
            let failures = self.modifyControl { control -> Int in
                control.claimFailures += 1
                return control.claimFailures
            } ?? 1
            self.logger.error("scheduler: cannot look for due nights", metadata: [
                "error": "\(recordedMessage(error))", "failures": "\(failures)",
            ])
            if self.configuration.once, !isTransient(error) || failures > self.configuration.retry.limit {
                self.summary.claimError = error
                if self.control?.running.isEmpty ?? true {
                    self.finish()
                } else if case .running(let control) = self.state {
                    self.state = .stopping(control)
                }
                return
            }
            let delay = self.configuration.retry.delay(beforeRetry: failures, using: &self.random)
            self.control?.pollTimer.schedule(deadline: .now() + delay.dispatchInterval, leeway: .milliseconds(10))
        }
    }

    /// Wakes at the next run time (wall clock) or after the poll interval (monotonic),
    /// whichever comes first.
    private func armPollTimer(nextRunTime: Date?) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        let poll = self.configuration.pollInterval
        if let nextRunTime, self.clock.realSeconds(until: nextRunTime) < poll.seconds {
            self.control?.pollTimer.schedule(wallDeadline: self.clock.wallDeadline(for: nextRunTime), leeway: .milliseconds(100))
        } else {
            self.control?.pollTimer.schedule(deadline: .now() + poll.dispatchInterval, leeway: .milliseconds(100))
        }
    }

    /// Holds a claimed night: its run, and a heartbeat renewing its lease until it is finished.
    private func hold(_ claim: ClaimedNight) -> NightRun {
        dispatchPrecondition(condition: .onQueue(self.queue))
        let run = NightRun(claim: claim, trailingDays: self.configuration.trailingDays, pool: self.pool, logger: self.logger)
        let heartbeat = LeaseHeartbeat(claim: claim, pool: self.pool, interval: self.configuration.heartbeatInterval,
                                       lease: self.configuration.leaseDuration, logger: self.logger)
        self.modifyControl { $0.running[claim.leaseToken] = (run, heartbeat) }
        return run
    }

    private func start(_ claim: ClaimedNight) {
        let run = self.hold(claim)
        self.logger.info("scheduler: night claimed", metadata: [
            "org": "\(claim.org.slug)", "night": "\(claim.night)", "attempt": "\(claim.attempts)",
        ])
        self.attempt(run)
    }

    private func attempt(_ run: NightRun) {
        self.workers.async {
            let outcome = run.attempt()
            self.queue.async { self.attempted(run, outcome) }
        }
    }

    private func attempted(_ run: NightRun, _ outcome: NightRun.Outcome) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        let claim = run.claim
        let metadata: Logger.Metadata = ["org": "\(claim.org.slug)", "night": "\(claim.night)"]
        switch NextStep.after(outcome, attempts: run.attempts, retryLimit: self.configuration.retry.limit,
                              takingWork: self.isRunning) {
        case let .succeeded(rowsWritten):
            self.summary.succeeded += 1
            self.logger.info("scheduler: night succeeded", metadata: metadata.merging(["rows_written": "\(rowsWritten.map(String.init) ?? "?")"]) { $1 })
            self.finished(run)
        case let .retry(error):
            let delay = self.configuration.retry.delay(beforeRetry: run.attempts, using: &self.random)
            self.logger.warning("scheduler: transient failure, retrying", metadata: metadata.merging([
                "error": "\(recordedMessage(error))", "retry_in": "\(delay)",
            ]) { $1 })
            self.queue.asyncAfter(deadline: .now() + delay.dispatchInterval) {
                if self.isRunning { self.attempt(run) } else { self.attempted(run, .abandoned) }
            }
        case let .recordFailure(error):
            self.summary.failures.append(NightFailure(org: claim.org.slug, night: claim.night, error: error))
            self.logger.error("scheduler: night failed", metadata: metadata.merging(["error": "\(recordedMessage(error))"]) { $1 })
            let retryAfter = self.configuration.delayAfterFailure(attempts: claim.attempts + run.attempts - 1)
            self.record(run, error: recordedMessage(error), retryAfter: retryAfter)
        case .letGo:
            self.logger.warning("scheduler: lease lost, another process has the night", metadata: metadata)
            self.finished(run)
        case .giveBack:
            self.logger.notice("scheduler: night abandoned", metadata: metadata)
            self.record(run, error: SchedulerError.abandoned(org: claim.org.slug, night: claim.night).description, retryAfter: .zero)
        }
    }

    /// Records a night's failure on a worker (the database may be slow), then finishes it.
    private func record(_ run: NightRun, error: String, retryAfter: Duration) {
        self.workers.async { [pool = self.pool, logger = self.logger] in
            do {
                let held = try pool.withConnection {
                    try NightLedger(connection: $0).recordFailure(run.claim, error: error, retryAfter: retryAfter)
                }
                if !held { logger.warning("scheduler: failure not recorded, the lease had passed to another process") }
            } catch {
                logger.warning("scheduler: cannot record the failure; the lease will expire instead",
                               metadata: ["org": "\(run.claim.org.slug)", "error": "\(recordedMessage(error))"])
            }
            self.queue.async { self.finished(run) }
        }
    }

    /// Gives back a night claimed while stopping, without running it.
    private func release(_ claim: ClaimedNight) {
        self.attempted(self.hold(claim), .abandoned)
    }

    private func finished(_ run: NightRun) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        let released = self.modifyControl { $0.running.removeValue(forKey: run.claim.leaseToken) } ?? nil
        released?.heartbeat.stop()
        switch self.state {
        case .running:
            self.tick()
        case .stopping(let control):
            if control.running.isEmpty, !control.isClaiming { self.finish() }
        case .idle, .finished:
            break
        }
    }

    private func beginStopping() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard case .running(let control) = self.state else { return }
        self.state = .stopping(control)
        self.logger.notice("scheduler: stopping", metadata: ["running": "\(control.running.count)"])
        if control.running.isEmpty, !control.isClaiming {
            self.finish()
            return
        }
        self.queue.asyncAfter(deadline: .now() + self.configuration.gracePeriod.dispatchInterval) {
            guard case .stopping(let control) = self.state, !control.running.isEmpty else { return }
            self.logger.notice("scheduler: grace period over, abandoning the running nights")
            self.abandonRunning()
        }
        // A night that does not answer its cancel request (the network is gone) must not keep
        // the process alive: its server session rolls back when the process exits.
        self.queue.asyncAfter(deadline: .now() + (self.configuration.gracePeriod + Self.abandonTimeout).dispatchInterval) {
            guard case .stopping(let control) = self.state else { return }
            self.logger.warning("scheduler: nights did not end after their cancel request; exiting, the server rolls them back",
                                metadata: ["running": "\(control.running.count)"])
            self.finish()
        }
    }

    /// How long abandoned nights get to report back before the process stops without them.
    static let abandonTimeout: Duration = .seconds(10)

    private func abandonRunning() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.control?.running.values.forEach { $0.run.abandon() }
    }

    private func finish() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        if case .finished = self.state { return }
        self.control?.pollTimer.cancel()
        self.control?.signalSources.forEach { $0.cancel() }
        self.state = .finished
        self.logger.info("scheduler: stopped", metadata: [
            "succeeded": "\(self.summary.succeeded)", "failed": "\(self.summary.failures.count)",
        ])
        self.done.signal()
    }
}
