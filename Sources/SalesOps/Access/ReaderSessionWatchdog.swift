import Dispatch
import Logging
import PostgresClient

/// A reader session the watchdog ended, and why.
public struct EndedReaderSession: Sendable, Equatable {
    public var pid: Int32
    public var role: String
    public var reason: String
}

/// Ends BI reader sessions past their binding's limits (a statement running too long, idle in a
/// transaction too long, a transaction open too long), which the session itself cannot lift:
/// role defaults and `SET` are the session's to change, `pg_terminate_backend` from the
/// operator's login is not (sql/024).
public struct ReaderSessionWatchdog {
    let connection: Connection

    /// - Parameter connection: the operator's connection (it must see and signal reader sessions).
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Ends every reader session over a limit now.
    public func sweep() throws -> [EndedReaderSession] {
        try self.connection.query("""
            SELECT pid, role_name::text AS role, reason FROM salesops_meta.end_reader_sessions_over_limits()
            """).rows.map {
            EndedReaderSession(pid: try $0.decode("pid"), role: try $0.decode("role"), reason: try $0.decode("reason"))
        }
    }
}

/// Runs `ReaderSessionWatchdog.sweep` every `interval` on a Dispatch timer with a connection of
/// its own (reconnecting after a failure), for the product's long-running processes.
///
/// `@unchecked Sendable`: the timer and the connection are touched only on `queue` (asserted
/// with `dispatchPrecondition`), and `start`/`stop` hop onto it.
public final class ReaderSessionWatchdogTimer: @unchecked Sendable {
    private enum State {
        case idle
        case running(DispatchSourceTimer)
        case stopped
    }

    private let configuration: ConnectionConfiguration
    private let interval: Duration
    private let logger: Logger
    private let queue = DispatchQueue(label: "salesops.reader-watchdog")
    private var state = State.idle
    private var connection: Connection?

    public init(connection: ConnectionConfiguration, interval: Duration = .seconds(5), logger: Logger) {
        var configuration = connection
        configuration.applicationName = "salesops reader watchdog"
        self.configuration = configuration
        self.interval = interval
        self.logger = logger
    }

    /// Starts sweeping; a second call does nothing.
    public func start() {
        self.queue.async {
            guard case .idle = self.state else { return }
            let timer = DispatchSource.makeTimerSource(queue: self.queue)
            timer.schedule(deadline: .now(), repeating: self.interval.dispatchInterval, leeway: .milliseconds(250))
            timer.setEventHandler { [weak self] in self?.sweep() }
            self.state = .running(timer)
            timer.resume()
        }
    }

    /// Stops sweeping and closes the connection; waits for a sweep in progress.
    public func stop() {
        self.queue.sync {
            if case .running(let timer) = self.state { timer.cancel() }
            self.state = .stopped
            self.connection?.close()
            self.connection = nil
        }
    }

    private func sweep() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        do {
            if self.connection.map({ !$0.isHealthy }) ?? true {
                self.connection?.close()
                self.connection = try Connection.connect(self.configuration, logger: self.logger)
            }
            for ended in try ReaderSessionWatchdog(connection: self.connection!).sweep() {
                self.logger.notice("ended a reader session over its limit",
                                   metadata: ["role": "\(ended.role)", "pid": "\(ended.pid)", "reason": "\(ended.reason)"])
            }
        } catch {
            self.logger.warning("reader watchdog sweep failed", metadata: ["error": "\(error)"])
            self.connection?.close()
            self.connection = nil
        }
    }
}
