import Foundation

/// How a scheduler process runs nights.
public struct SchedulerConfiguration: Sendable {
    /// The local time after which an org's previous day is due (default 02:00).
    public var runAt: LocalTimeOfDay = .twoAM
    /// Days each night re-computes, ending with the night itself (default 7).
    public var trailingDays: Int = 7
    /// Nights this process runs at once (default 1).
    public var concurrency: Int = 1
    /// Do the work due now and stop, instead of running until signalled.
    public var once = false
    /// How often to look for due work when no night's run time is nearer (monotonic).
    public var pollInterval: Duration = .seconds(30)
    /// How long a claimed night stays leased without a heartbeat; a lease that expires is
    /// rescued by another process.
    public var leaseDuration: Duration = .seconds(60)
    /// After a stop is asked for, how long the running nights may take to finish before
    /// they are cancelled and rolled back.
    public var gracePeriod: Duration = .seconds(30)
    /// Retries of a transient failure within one claim.
    public var retry = RetryPolicy()
    /// How long a night that failed for good waits before it may be claimed again; doubles
    /// with each attempt up to `failedNightMaximumDelay`.
    public var failedNightDelay: Duration = .seconds(60)
    public var failedNightMaximumDelay: Duration = .seconds(6 * 3600)
    /// This process in the run records: host and process id.
    public var worker: String = SchedulerConfiguration.defaultWorkerName

    public init() {}

    /// Heartbeats renew the lease three times per lease duration.
    public var heartbeatInterval: Duration { self.leaseDuration / 3 }

    /// The delay before a night that has failed `attempts` times may be claimed again.
    public func delayAfterFailure(attempts: Int) -> Duration {
        let doublings = min(max(attempts - 1, 0), 30)
        let delay = self.failedNightDelay * (1 << doublings)
        return min(delay, self.failedNightMaximumDelay)
    }

    /// Checks the settings an operator gives.
    /// - Throws: `.invalidInput` naming the setting that is out of range.
    public func validate() throws {
        guard self.trailingDays >= 1 else { throw SalesOpsError.invalidInput("--trailing-days must be at least 1, got \(self.trailingDays)") }
        guard self.concurrency >= 1 else { throw SalesOpsError.invalidInput("--concurrency must be at least 1, got \(self.concurrency)") }
        guard self.pollInterval > .zero else { throw SalesOpsError.invalidInput("the poll interval must be positive") }
        guard self.leaseDuration >= .seconds(1) else { throw SalesOpsError.invalidInput("the lease must last at least a second") }
        guard self.gracePeriod >= .zero else { throw SalesOpsError.invalidInput("the grace period cannot be negative") }
        guard self.retry.limit >= 0 else { throw SalesOpsError.invalidInput("the retry limit cannot be negative") }
    }

    static var defaultWorkerName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}

/// Exponential backoff with jitter for transient failures.
public struct RetryPolicy: Sendable {
    /// Retries after the first try (default 5).
    public var limit = 5
    /// The first retry's delay before jitter (default 1 s); each further retry doubles it.
    public var baseDelay: Duration = .seconds(1)
    /// The longest delay (default 30 s).
    public var maximumDelay: Duration = .seconds(30)

    public init() {}

    /// The delay before retry number `retry` (1 for the first): the exponential delay scaled
    /// by a random factor in [0.5, 1], so processes that failed together do not retry together.
    public func delay<Generator: RandomNumberGenerator>(beforeRetry retry: Int, using generator: inout Generator) -> Duration {
        let doublings = min(max(retry - 1, 0), 30)
        let exponential = min(self.baseDelay * (1 << doublings), self.maximumDelay)
        return exponential * Double.random(in: 0.5...1, using: &generator)
    }
}
