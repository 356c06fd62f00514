import Dispatch
import Foundation
import Logging
import PostgresClient
import Synchronization

/// Runs blocking libpq work off the event loops, on a fixed set of threads that each own
/// one connection.
///
/// A request's work waits at most `maximumWait` for a free thread, and at most
/// `maximumWaiting` pieces of work wait at once; beyond either it is refused at once with
/// `DatabaseExecutorError.overloaded` (the server answers 503 with `Retry-After`). Nothing
/// queues without bound, and a slow statement holds one thread, never an event loop.
public final class DatabaseExecutor: Sendable {
    /// Configuration of the thread set.
    public struct Configuration: Sendable {
        /// Threads, and so connections, at most.
        public var threads: Int = 8
        /// Work waiting for a thread at most; more is refused.
        public var maximumWaiting: Int = 64
        /// How long work may wait for a thread before it is refused.
        public var maximumWait: Duration = .milliseconds(500)

        public init() {}
    }

    /// One piece of waiting work. `run` and `refuse` resume the caller; exactly one of
    /// them is called, decided under the state lock (taken by a thread, or expired).
    private struct Job {
        let id: UInt64
        let run: @Sendable (Connection?) -> Void
        let refuse: @Sendable (any Error) -> Void
    }

    private struct State: ~Copyable {
        var waiting: [Job] = []
        var nextJobID: UInt64 = 0
        var busy = 0
        var isShutDown = false
    }

    private let connectionConfiguration: ConnectionConfiguration
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())
    private let jobsAvailable = DispatchSemaphore(value: 0)
    private let workersFinished = DispatchGroup()
    private let gauges: PoolGauges?

    /// Starts the threads; each connects when it first has work.
    /// - Parameters:
    ///   - connection: where the threads connect.
    ///   - gauges: receives the number of busy threads and of waiting requests.
    public init(connection: ConnectionConfiguration, configuration: Configuration = .init(), logger: Logger,
                gauges: PoolGauges? = nil) {
        precondition(configuration.threads >= 1 && configuration.maximumWaiting >= 0)
        self.connectionConfiguration = connection
        self.configuration = configuration
        self.logger = logger
        self.gauges = gauges
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

    /// Runs `body` with a connection of one of the threads.
    /// - Throws: `DatabaseExecutorError.overloaded` when no thread was free in time or too
    ///   much work waits, `.shutDown` after `shutdown()`, a connect error, or the body's error.
    public func run<Result: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let job = self.state.withLock { state -> Job? in
                guard !state.isShutDown else { return nil }
                guard state.waiting.count < self.configuration.maximumWaiting || state.busy < self.configuration.threads else {
                    return nil
                }
                state.nextJobID += 1
                let job = Job(id: state.nextJobID, run: { connection in
                    guard let connection else {
                        return continuation.resume(throwing: DatabaseExecutorError.unavailable)
                    }
                    continuation.resume(with: Swift.Result { try body(connection) })
                }, refuse: { continuation.resume(throwing: $0) })
                state.waiting.append(job)
                self.gauges?.waiting(state.waiting.count)
                return job
            }
            guard let job else {
                let shutDown = self.state.withLock { $0.isShutDown }
                return continuation.resume(throwing: shutDown ? DatabaseExecutorError.shutDown : DatabaseExecutorError.overloaded)
            }
            self.jobsAvailable.signal()
            DispatchQueue.global().asyncAfter(deadline: .now() + self.configuration.maximumWait.timeInterval) { [self] in
                self.expire(job.id)
            }
        }
    }

    /// Refuses queued work, lets running work finish, and closes every connection; returns
    /// when all threads have ended. Blocks: call it off the event loops.
    public func shutdown() {
        let refused = self.state.withLock { state -> [Job] in
            state.isShutDown = true
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        refused.forEach { $0.refuse(DatabaseExecutorError.shutDown) }
        for _ in 0..<self.configuration.threads { self.jobsAvailable.signal() }
        self.workersFinished.wait()
    }

    /// Threads running work now, and work waiting for one.
    public var load: (busy: Int, waiting: Int) {
        self.state.withLock { ($0.busy, $0.waiting.count) }
    }

    private func expire(_ id: UInt64) {
        let expired = self.state.withLock { state -> Job? in
            guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            defer { self.gauges?.waiting(state.waiting.count) }
            return state.waiting.remove(at: index)
        }
        expired?.refuse(DatabaseExecutorError.overloaded)
    }

    /// A thread's loop: take the oldest waiting work, run it on this thread's connection.
    private func work() {
        var connection: Connection?
        defer { connection?.close() }
        while true {
            self.jobsAvailable.wait()
            let next = self.state.withLock { state -> (job: Job?, stop: Bool) in
                if state.isShutDown && state.waiting.isEmpty { return (nil, true) }
                guard !state.waiting.isEmpty else { return (nil, false) }
                state.busy += 1
                self.gauges?.busy(state.busy)
                self.gauges?.waiting(state.waiting.count - 1)
                return (state.waiting.removeFirst(), false)
            }
            if next.stop { return }
            guard let job = next.job else { continue }
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
                self.gauges?.busy(state.busy)
            }
        }
    }

    private func connect() -> Connection? {
        do {
            return try Connection.connect(self.connectionConfiguration, logger: self.logger)
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
