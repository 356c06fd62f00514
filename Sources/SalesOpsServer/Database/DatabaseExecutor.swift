import Dispatch
import Foundation
import Logging
import PostgresClient
import Synchronization

/// Runs blocking libpq work off the event loops, on a fixed set of threads that each own
/// one connection, fairly between orgs.
///
/// Work waits at most `maximumWait` for a free thread and at most `maximumWaiting` pieces
/// wait at once; beyond either it is refused at once with `.overloaded` (503 with
/// `Retry-After`). Nothing queues without bound, and a slow statement holds one thread, never
/// an event loop.
///
/// Fairness (SPEC §9): each piece of work has an owner (its org). An owner runs at most
/// `threadsPerOwner` pieces at once, so the other threads stay free for other orgs however
/// much one org sends; waiting work is taken round-robin by owner; an owner may have at most
/// `waitingPerOwner` pieces waiting and may start at most `ratePerOwner` a second (bursts of
/// `burstPerOwner`). Work over an owner's own bounds is refused with `.ownerLimited` (429
/// with `Retry-After`) to that owner alone.
public final class DatabaseExecutor: Sendable {
    /// Configuration of the thread set.
    public struct Configuration: Sendable {
        /// Threads, and so connections, at most.
        public var threads: Int = 8
        /// Work waiting for a thread at most, over all owners; more is refused.
        public var maximumWaiting: Int = 64
        /// How long work may wait for a thread before it is refused.
        public var maximumWait: Duration = .milliseconds(500)
        /// Threads one owner's work may hold at once; nil is a quarter of `threads` (at least 1).
        public var threadsPerOwner: Int?
        /// Work of one owner waiting at most; more is refused to that owner.
        public var waitingPerOwner: Int = 16
        /// Work one owner may start per second on average.
        public var ratePerOwner: Double = 100
        /// Work one owner may start at once after a quiet spell.
        public var burstPerOwner: Double = 200
        /// How long a request over its owner's bounds waits before it is refused (at most its
        /// `Retry-After`): a client that ignores `Retry-After` and retries at once is slowed to
        /// one refusal per connection and interval instead of spinning the server's cores.
        /// It waits on a timer, holding no thread.
        public var refusalDelay: Duration = .seconds(1)

        public init() {}

        /// The threads one owner may hold.
        public var ownerShare: Int { max(1, min(self.threads, self.threadsPerOwner ?? self.threads / 4)) }
    }

    /// One piece of waiting work. `run` and `refuse` resume the caller; exactly one of
    /// them is called, decided under the state lock (taken by a thread, or expired).
    private struct Job {
        let run: @Sendable (Connection?) -> Void
        let refuse: @Sendable (any Error) -> Void
    }

    private struct State: ~Copyable {
        var queue = FairQueue<Job>()
        var limiter: RateLimiter
        var nextJobID: UInt64 = 0
        var busy = 0
        var isShutDown = false
    }

    private let connectionConfiguration: ConnectionConfiguration
    private let configuration: Configuration
    private let logger: Logger
    private let state: Mutex<State>
    /// Signalled once per event that may let a thread start work: work arriving, work finishing.
    private let workMayStart = DispatchSemaphore(value: 0)
    private let workersFinished = DispatchGroup()
    private let gauges: PoolGauges?

    /// Starts the threads; each connects when it first has work.
    /// - Parameters:
    ///   - connection: where the threads connect.
    ///   - gauges: receives the number of busy threads and of waiting requests.
    public init(connection: ConnectionConfiguration, configuration: Configuration = .init(), logger: Logger,
                gauges: PoolGauges? = nil) {
        precondition(configuration.threads >= 1 && configuration.maximumWaiting >= 0 && configuration.waitingPerOwner >= 0)
        precondition(configuration.ratePerOwner > 0 && configuration.burstPerOwner >= 1)
        self.connectionConfiguration = connection
        self.configuration = configuration
        self.logger = logger
        self.gauges = gauges
        self.state = Mutex(State(limiter: RateLimiter(rate: configuration.ratePerOwner, burst: configuration.burstPerOwner)))
        for index in 0..<configuration.threads {
            self.workersFinished.enter()
            let thread = Thread { [self] in
                self.work()
                self.workersFinished.leave()
            }
            thread.name = "salesops-db-\(index)"
            thread.start()
        }
    }

    /// Runs `body` with a connection of one of the threads, as `owner`'s work.
    /// - Throws: `DatabaseExecutorError.ownerLimited` when the owner is over its own bounds,
    ///   `.overloaded` when no thread was free in time or too much work waits, `.shutDown`
    ///   after `shutdown()`, `.unavailable` when the database cannot be reached, or the body's error.
    public func run<Result: Sendable>(as owner: WorkOwner,
                                      _ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let admitted = self.state.withLock { state -> Swift.Result<UInt64, DatabaseExecutorError> in
                if state.isShutDown { return .failure(.shutDown) }
                let idleThreads = state.busy < self.configuration.threads
                if state.queue.count >= self.configuration.maximumWaiting && !idleThreads { return .failure(.overloaded) }
                if state.queue.waitingCount(of: owner) >= self.configuration.waitingPerOwner {
                    return .failure(.ownerLimited(retryAfterSeconds: 1))
                }
                if let wait = state.limiter.take(owner, now: .now) { return .failure(.ownerLimited(retryAfterSeconds: wait)) }
                state.nextJobID += 1
                let job = Job(run: { connection in
                    guard let connection else {
                        return continuation.resume(throwing: DatabaseExecutorError.unavailable)
                    }
                    continuation.resume(with: Swift.Result { try body(connection) })
                }, refuse: { continuation.resume(throwing: $0) })
                state.queue.append(job, id: state.nextJobID, owner: owner)
                self.gauges?.waiting(state.queue.count)
                return .success(state.nextJobID)
            }
            switch admitted {
            case .failure(.ownerLimited(let seconds)):
                let delay = min(self.configuration.refusalDelay, .seconds(seconds))
                DispatchQueue.global().asyncAfter(deadline: .now() + delay.timeInterval) {
                    continuation.resume(throwing: DatabaseExecutorError.ownerLimited(retryAfterSeconds: seconds))
                }
            case .failure(let refusal):
                continuation.resume(throwing: refusal)
            case .success(let id):
                self.workMayStart.signal()
                DispatchQueue.global().asyncAfter(deadline: .now() + self.configuration.maximumWait.timeInterval) { [self] in
                    self.expire(id, owner: owner)
                }
            }
        }
    }

    /// Refuses queued work, lets running work finish, and closes every connection; returns
    /// when all threads have ended. Blocks: call it off the event loops.
    public func shutdown() {
        let refused = self.state.withLock { state -> [Job] in
            state.isShutDown = true
            return state.queue.removeAll()
        }
        refused.forEach { $0.refuse(DatabaseExecutorError.shutDown) }
        for _ in 0..<self.configuration.threads { self.workMayStart.signal() }
        self.workersFinished.wait()
    }

    /// Threads running work now, and work waiting for one.
    public var load: (busy: Int, waiting: Int) {
        self.state.withLock { ($0.busy, $0.queue.count) }
    }

    /// Threads running each owner's work now.
    public var running: [WorkOwner: Int] {
        self.state.withLock { $0.queue.running }
    }

    private func expire(_ id: UInt64, owner: WorkOwner) {
        let expired = self.state.withLock { state -> Job? in
            guard let job = state.queue.remove(id: id, owner: owner) else { return nil }
            self.gauges?.waiting(state.queue.count)
            return job
        }
        expired?.refuse(DatabaseExecutorError.overloaded)
    }

    /// A thread's loop: take the next waiting work whose owner is within its share, run it
    /// on this thread's connection.
    private func work() {
        var connection: Connection?
        defer { connection?.close() }
        let share = self.configuration.ownerShare
        while true {
            self.workMayStart.wait()
            let next = self.state.withLock { state -> (owner: WorkOwner, job: Job)?? in
                if state.isShutDown && state.queue.count == 0 { return .some(nil) }
                guard let next = state.queue.next(share: { $0 == .service ? self.configuration.threads : share }) else { return nil }
                state.busy += 1
                self.gauges?.busy(state.busy)
                self.gauges?.waiting(state.queue.count)
                return next
            }
            guard let next else { continue }
            guard let (owner, job) = next else { return }
            if connection.map({ !$0.isHealthy }) ?? true {
                connection?.close()
                connection = self.connect()
            }
            job.run(connection)
            if let open = connection, open.isHealthy, open.isInTransaction {
                if (try? open.execute("ROLLBACK")) == nil { open.close() }
            }
            self.state.withLock { state in
                state.busy -= 1
                state.queue.finished(owner)
                self.gauges?.busy(state.busy)
            }
            // This owner may be below its share again: another thread may start its work.
            self.workMayStart.signal()
        }
    }

    private func connect() -> Connection? {
        do {
            let connection = try Connection.connect(self.connectionConfiguration, logger: self.logger)
            // A thread's connection lives long and sends the same few statements: keep them prepared.
            connection.cacheStatements()
            return connection
        } catch {
            self.logger.error("database connection failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// Why the executor did not run work.
public enum DatabaseExecutorError: Error, Sendable, Equatable {
    /// Every thread was busy for the whole wait, or too much work was waiting.
    case overloaded
    /// The owner is over its own bounds (work waiting, or work started per second); the
    /// seconds after which a retry may succeed.
    case ownerLimited(retryAfterSeconds: Int)
    /// The database could not be reached.
    case unavailable
    /// The executor is shutting down.
    case shutDown
}

/// Where the executor reports its load.
public protocol PoolGauges: Sendable {
    func busy(_ count: Int)
    func waiting(_ count: Int)
}

extension Duration {
    /// The duration in seconds, for Dispatch deadlines.
    var timeInterval: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
