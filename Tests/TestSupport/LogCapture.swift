import Logging
import Synchronization

/// A log handler that keeps every message it is given, for tests that check what a
/// connection logged (the server's notices and debug messages reach the connection's logger).
public final class LogCapture: LogHandler, @unchecked Sendable {
    // `messages` is guarded by its mutex; the handler's own settings are set before use.
    private let captured = Mutex<[String]>([])
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init() {}

    /// A logger at trace level whose every message this capture keeps.
    public var logger: Logger { Logger(label: "capture") { _ in self } }

    /// The messages logged so far, in order.
    public var messages: [String] { self.captured.withLock { $0 } }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        self.captured.withLock { $0.append(event.message.description) }
    }
}
