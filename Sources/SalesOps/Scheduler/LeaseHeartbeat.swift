import Dispatch
import Logging
import PostgresClient

/// Renews a claimed night's lease on a monotonic timer until stopped.
///
/// The timer is created and resumed once in `init` and cancelled once in `stop()`, both on
/// the heartbeat's own serial queue, which also owns `isStopped`; hence `@unchecked Sendable`.
/// A renewal that fails (the database is away) is logged and tried again at the next beat:
/// the lease is long enough to survive a missed beat or two.
final class LeaseHeartbeat: @unchecked Sendable {
    private let queue: DispatchQueue
    private let timer: DispatchSourceTimer
    private var isStopped = false

    init(claim: ClaimedNight, pool: ConnectionPool, interval: Duration, lease: Duration, logger: Logger) {
        self.queue = DispatchQueue(label: "salesops.scheduler.heartbeat.\(claim.org.slug).\(claim.night)")
        self.timer = DispatchSource.makeTimerSource(queue: self.queue)
        let interval = max(interval, .milliseconds(1))
        self.timer.schedule(deadline: .now() + interval.dispatchInterval, repeating: interval.dispatchInterval,
                            leeway: (interval / 10).dispatchInterval)
        self.timer.setEventHandler { [weak self] in
            guard let self, !self.isStopped else { return }
            do {
                let held = try pool.withConnection { try NightLedger(connection: $0).renew(claim, lease: lease) }
                if !held {
                    logger.warning("scheduler: lease no longer held", metadata: ["org": "\(claim.org.slug)", "night": "\(claim.night)"])
                }
            } catch {
                logger.warning("scheduler: lease renewal failed", metadata: [
                    "org": "\(claim.org.slug)", "night": "\(claim.night)", "error": "\(recordedMessage(error))",
                ])
            }
        }
        self.timer.resume()
    }

    /// Stops renewing; returns once no renewal is running.
    func stop() {
        self.queue.sync {
            guard !self.isStopped else { return }
            self.isStopped = true
            self.timer.cancel()
        }
    }

    deinit {
        // Not `stop()`: the last reference may go on the heartbeat's own queue, where a
        // `sync` would deadlock. Cancelling a resumed timer is safe from any thread.
        if !self.isStopped { self.timer.cancel() }
    }
}
