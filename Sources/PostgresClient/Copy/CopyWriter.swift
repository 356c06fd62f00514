import CLibPQ

/// Streams data to a running `COPY ... FROM STDIN`, in chunks.
///
/// Every `PQputCopyData` return is checked; a failure stops the copy with the reason libpq
/// gives. Obtain one from `Connection.copyIn(_:_:)`.
public final class CopyWriter {
    private let connection: Connection
    private var buffer: [UInt8] = []
    private let chunkSize: Int
    /// Bytes handed to libpq so far.
    public private(set) var bytesSent = 0

    init(connection: Connection, chunkSize: Int) {
        self.connection = connection
        self.chunkSize = chunkSize
        self.buffer.reserveCapacity(chunkSize)
    }

    /// Queues text (as UTF-8 bytes).
    public func write(_ text: String) throws {
        var text = text
        text.withUTF8 { self.buffer.append(contentsOf: $0) }
        if self.buffer.count >= self.chunkSize { try self.flush() }
    }

    /// Queues raw bytes.
    public func write(bytes: some Sequence<UInt8>) throws {
        self.buffer.append(contentsOf: bytes)
        if self.buffer.count >= self.chunkSize { try self.flush() }
    }

    /// Sends whatever is queued.
    func flush() throws {
        guard !self.buffer.isEmpty else { return }
        let status = self.buffer.withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { chars in
                PQputCopyData(self.connection.handle, chars.baseAddress, Int32(chars.count))
            }
        }
        guard status == 1 else {
            throw PostgresError(kind: .copyFailed, message: "sending COPY data failed: \(self.connection.lostError(query: nil).message)")
        }
        self.bytesSent += self.buffer.count
        self.buffer.removeAll(keepingCapacity: true)
    }
}

extension Connection {
    /// Runs `COPY ... FROM STDIN` and streams what `body` writes.
    ///
    /// If `body` throws, the copy is ended with an error (the server discards it) and the
    /// body's error is rethrown. The final result is always fetched and every pending result
    /// drained, so the connection is ready for the next command.
    /// - Parameters:
    ///   - query: the `COPY` statement.
    ///   - chunkSize: bytes buffered before each `PQputCopyData`.
    ///   - body: writes the data in the format the statement names.
    /// - Returns: the number of rows copied.
    @discardableResult
    public func copyIn(_ query: Query, chunkSize: Int = 256 * 1024, _ body: (CopyWriter) throws -> Void) throws -> Int {
        do {
            _ = try self.execute(query, accepting: [PGRES_COPY_IN])
        }
        let writer = CopyWriter(connection: self, chunkSize: chunkSize)
        var bodyError: (any Error)?
        do {
            try body(writer)
            try writer.flush()
        } catch {
            bodyError = error
        }
        let endStatus = bodyError == nil
            ? PQputCopyEnd(self.handle, nil)
            : PQputCopyEnd(self.handle, "COPY abandoned by the client")
        guard endStatus == 1 else {
            let reason = self.lostError(query: query.sql)
            self.drainResults()
            throw bodyError ?? PostgresError(kind: .copyFailed, message: "ending COPY failed: \(reason.message)", query: query.sql)
        }
        var outcome: Result<Int, any Error> = .failure(PostgresError(kind: .copyFailed, message: "COPY returned no result", query: query.sql))
        if let pointer = PQgetResult(self.handle) {
            let result = ResultHandle(pointer)
            if result.status == PGRES_COMMAND_OK {
                outcome = .success(result.read().affectedRows)
            } else {
                outcome = .failure(result.serverError(query: query.sql, connectionLost: PQstatus(self.handle) != CONNECTION_OK))
            }
        }
        self.drainResults()
        if let bodyError { throw bodyError }
        return try outcome.get()
    }
}
