import CLibPQ

/// Asks the server to cancel whatever a connection is running, from any thread.
///
/// Made by `Connection.makeCancelHandle()`. The request goes over a new socket with the
/// backend's secret key (libpq's `PQcancel`, which is thread-safe), so it is safe to call
/// while another thread is blocked in a query on the connection. A cancelled statement
/// fails with SQLSTATE 57014 and its transaction rolls back. A request that arrives while
/// the connection is idle does nothing.
public final class CancelHandle: Sendable {
    /// `PGcancel` is immutable after `PQgetCancel` and `PQcancel` may be called on it from
    /// any thread; it is freed once, in `deinit`.
    private nonisolated(unsafe) let handle: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit {
        PQfreeCancel(self.handle)
    }

    /// Sends the cancel request.
    /// - Returns: nil when the request was sent, else libpq's reason it could not be.
    @discardableResult
    public func cancel() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let sent = PQcancel(self.handle, &buffer, Int32(buffer.count))
        if sent == 1 { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Connection {
    /// A handle that cancels this connection's running statement from another thread.
    /// - Returns: nil if the connection is closed or broken.
    public func makeCancelHandle() -> CancelHandle? {
        guard self.isHealthy else { return nil }
        return CancelHandle(connection: self.handle)
    }
}
