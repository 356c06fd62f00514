import Dispatch
import Logging
import Synchronization

/// A small pool that lends each connection to one user at a time.
///
/// Connections are opened lazily up to `maximumConnections`; a borrower waits while all
/// are lent out. A connection comes back healthy and outside any transaction, or it is
/// closed and replaced by a fresh one on the next borrow.
public final class ConnectionPool: Sendable {
    /// Carries a connection between threads. `Connection` is not thread-safe, so this box is
    /// `@unchecked Sendable`: the pool hands a box to exactly one borrower at a time (it is
    /// either in `idle` under the lock or lent out), so no two threads use it at once.
    private final class Lease: @unchecked Sendable {
        let connection: Connection
        init(_ connection: Connection) { self.connection = connection }
    }

    private struct State: ~Copyable {
        var idle: [Lease] = []
        var isShutDown = false
    }

    private let configuration: ConnectionConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let slots: DispatchSemaphore
    /// The most connections lent out at once.
    public let maximumConnections: Int

    /// - Parameters:
    ///   - configuration: where each connection goes.
    ///   - maximumConnections: the most connections open at once (at least 1).
    ///   - logger: handed to every connection.
    public init(configuration: ConnectionConfiguration, maximumConnections: Int, logger: Logger) {
        precondition(maximumConnections >= 1, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.logger = logger
        self.slots = DispatchSemaphore(value: maximumConnections)
    }

    /// Lends a connection to `body` for its duration.
    /// - Throws: `.poolUnavailable` after `shutdown()`, a connect error, or the body's error.
    public func withConnection<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        self.slots.wait()
        defer { self.slots.signal() }
        let lease = try self.borrow()
        defer { self.giveBack(lease) }
        return try body(lease.connection)
    }

    /// Closes idle connections and refuses further borrowing. Lent connections close when
    /// they come back.
    public func shutdown() {
        let idle = self.state.withLock { state -> [Lease] in
            state.isShutDown = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        idle.forEach { $0.connection.close() }
    }

    private func borrow() throws -> Lease {
        let reused = try self.state.withLock { state throws -> Lease? in
            guard !state.isShutDown else {
                throw PostgresError(kind: .poolUnavailable, message: "the connection pool is shut down")
            }
            return state.idle.popLast()
        }
        if let reused, reused.connection.isHealthy { return reused }
        reused?.connection.close()
        return Lease(try Connection.connect(self.configuration, logger: self.logger))
    }

    private func giveBack(_ lease: Lease) {
        let connection = lease.connection
        if connection.isHealthy, connection.isInTransaction {
            do {
                try connection.execute("ROLLBACK")
            } catch {
                self.logger.warning("discarding a pooled connection whose rollback failed", metadata: ["error": "\(error)"])
                connection.close()
            }
        }
        let keep = connection.isHealthy && self.state.withLock { state -> Bool in
            guard !state.isShutDown else { return false }
            state.idle.append(lease)
            return true
        }
        if !keep { connection.close() }
    }
}
