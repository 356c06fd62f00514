import Logging
import PostgresClient
import Synchronization

/// One claimed night: its materialization attempts, and the means to abandon it.
///
/// `attempt()` blocks (it runs on a worker queue); `abandon()` may be called from any thread
/// and cancels the attempt's running statement, rolling its transaction back.
final class NightRun: Sendable {
    /// How an attempt ended.
    enum Outcome: Sendable {
        /// The facts and the run record's success committed together.
        case succeeded(rowsWritten: Int?)
        /// A failure worth retrying (connection loss, serialization failure, ...).
        case transientFailure(any Error)
        /// A failure that retrying now will not fix.
        case failed(any Error)
        /// Another process holds the night now; nothing was written.
        case leaseLost
        /// Stopped by `abandon()`; nothing was written.
        case abandoned
    }

    private struct State: ~Copyable {
        var cancelHandle: CancelHandle?
        var isAbandoned = false
        var attempts = 0
    }

    let claim: ClaimedNight
    private let trailingDays: Int
    private let pool: ConnectionPool
    private let logger: Logger
    private let state = Mutex(State())

    init(claim: ClaimedNight, trailingDays: Int, pool: ConnectionPool, logger: Logger) {
        self.claim = claim
        self.trailingDays = trailingDays
        self.pool = pool
        self.logger = logger
    }

    /// Attempts made so far in this process.
    var attempts: Int { self.state.withLock { $0.attempts } }

    /// The first day the night re-computes.
    var firstDay: LocalDate { self.claim.night.adding(days: -(self.trailingDays - 1)) }

    /// Materializes the night's trailing window as of the night and marks it succeeded, in
    /// one transaction. A retry first checks whether the previous attempt's commit went
    /// through after all (its outcome may have been lost with the connection).
    func attempt() -> Outcome {
        let attempt = self.state.withLock { state -> Int in
            state.attempts += 1
            return state.attempts
        }
        do {
            if attempt > 1 {
                if try self.pool.withConnection({ try NightLedger(connection: $0).succeeded(self.claim) }) {
                    return .succeeded(rowsWritten: nil)
                }
                guard try self.pool.withConnection({ try NightLedger(connection: $0).countRetry(self.claim) }) else { return .leaseLost }
            }
            let report = try self.pool.withConnection { connection in
                let handle = connection.makeCancelHandle()
                let abandoned = self.state.withLock { state -> Bool in
                    state.cancelHandle = handle
                    return state.isAbandoned
                }
                defer { self.state.withLock { $0.cancelHandle = nil } }
                if abandoned { throw SchedulerError.abandoned(org: self.claim.org.slug, night: self.claim.night) }
                return try KPIMaterializer(connection: connection).materialize(
                    org: self.claim.org, from: self.firstDay, to: self.claim.night,
                    beforeCommit: { connection, report in
                        try NightLedger.recordSuccess(of: self.claim, rowsWritten: report.rowsWritten, on: connection)
                    })
            }
            return .succeeded(rowsWritten: report.rowsWritten)
        } catch {
            if self.state.withLock({ $0.isAbandoned }) { return .abandoned }
            if Self.isLeaseLost(error) { return .leaseLost }
            return isTransient(error) ? .transientFailure(error) : .failed(error)
        }
    }

    /// Abandons the night: cancels the running statement (its transaction rolls back) and
    /// makes any later attempt end at once.
    func abandon() {
        let handle = self.state.withLock { state -> CancelHandle? in
            state.isAbandoned = true
            return state.cancelHandle
        }
        if let reason = handle?.cancel() {
            self.logger.warning("scheduler: cancel request failed", metadata: ["org": "\(self.claim.org.slug)", "reason": "\(reason)"])
        }
    }

    private static func isLeaseLost(_ error: any Error) -> Bool {
        switch error {
        case SchedulerError.leaseLost: true
        case let error as TransactionError: error.bodyError.map(isLeaseLost) ?? false
        default: false
        }
    }
}
