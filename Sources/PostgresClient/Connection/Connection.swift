import CLibPQ
import Foundation
import Logging

/// One libpq connection.
///
/// Not thread-safe: a connection is used by one thread at a time (a `ConnectionPool`
/// lends each connection to one user at a time). `PQfinish` runs exactly once, on `close()`
/// or when the connection is released, whichever comes first.
public final class Connection {
    let handle: OpaquePointer
    private let noticeReceiver: NoticeReceiver
    private var isClosed = false
    /// Whether statements go through libpq's pipeline (`withPipeline`).
    var isPipelined = false
    /// Prepared statements kept on this connection (`cacheStatements`), nil when off.
    var statementCache: StatementCache?
    /// The logger notices and statements are reported to.
    public let logger: Logger
    /// What callers learned about this session and keep for its lifetime (e.g. a server
    /// setting read once), by a key of their choosing.
    public var sessionFacts: [String: String] = [:]

    private init(handle: OpaquePointer, logger: Logger) {
        self.handle = handle
        self.logger = logger
        self.noticeReceiver = NoticeReceiver(logger: logger)
        self.noticeReceiver.install(on: handle)
    }

    deinit {
        if !self.isClosed { PQfinish(self.handle) }
    }

    /// Opens a connection.
    /// - Parameters:
    ///   - configuration: where to connect and the session settings to pin.
    ///   - logger: receives server notices.
    /// - Throws: `PostgresError` of kind `.connectionFailed` naming host, port, database,
    ///   user and libpq's reason.
    public static func connect(_ configuration: ConnectionConfiguration, logger: Logger) throws -> Connection {
        let parameters = configuration.connectParameters
        // Both arrays end with NULL, as PQconnectdbParams requires.
        let handle = withCStrings(parameters.map(\.keyword) + [nil]) { keywords in
            withCStrings(parameters.map(\.value) + [nil]) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let handle else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            var error = PostgresError(kind: .connectionFailed,
                                      message: PQerrorMessage(handle).map { String(cString: $0) }?.trimmingTrailingNewlines() ?? "unknown reason")
            func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
                pointer.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "(default)"
            }
            error.endpoint = .init(host: text(PQhost(handle)), port: text(PQport(handle)),
                                   database: text(PQdb(handle)), user: text(PQuser(handle)))
            PQfinish(handle)
            throw error
        }
        return Connection(handle: handle, logger: logger)
    }

    /// Closes the connection. Further use throws `.connectionLost`; closing twice is harmless.
    public func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        PQfinish(self.handle)
    }

    /// Whether the connection is open and usable.
    public var isHealthy: Bool {
        !self.isClosed && PQstatus(self.handle) == CONNECTION_OK
    }

    /// Whether a transaction is open (or failed and not yet rolled back).
    public var isInTransaction: Bool {
        guard !self.isClosed else { return false }
        let status = PQtransactionStatus(self.handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// The server process id of this connection's backend.
    public var backendPID: Int32 { PQbackendPID(self.handle) }

    /// Runs a statement and returns its rows.
    /// - Throws: `PostgresError` with the server's fields and the query.
    @discardableResult
    public func query(_ query: Query) throws -> QueryResult {
        let result = try self.execute(query, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
        return result.read()
    }

    /// Runs a statement and returns how many rows it touched.
    @discardableResult
    public func execute(_ query: Query) throws -> Int {
        try self.query(query).affectedRows
    }

    /// Runs SQL text that may hold several statements and no parameters (schema files).
    public func executeScript(_ sql: String) throws {
        try self.ensureOpen(query: sql)
        guard !self.isPipelined else {
            throw PostgresError(kind: .unexpectedResult, message: "a script cannot run inside a pipeline", query: sql)
        }
        guard let pointer = PQexec(self.handle, sql) else { throw self.lostError(query: sql) }
        let result = ResultHandle(pointer)
        guard result.status == PGRES_COMMAND_OK || result.status == PGRES_TUPLES_OK else {
            throw result.serverError(query: sql, connectionLost: PQstatus(self.handle) != CONNECTION_OK)
        }
    }

    func execute(_ query: Query, accepting statuses: [ExecStatusType]) throws -> ResultHandle {
        try self.ensureOpen(query: query.sql)
        for (index, binding) in query.bindings.enumerated() where binding.text?.utf8.contains(0) == true {
            throw PostgresError(kind: .server, message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold",
                                sqlState: "22021", query: query.sql)
        }
        let types = query.bindings.map { Oid($0.type.oid) }
        let pointer: OpaquePointer? = try withCStrings(query.bindings.map(\.text)) { values in
            if let cached = try self.executeCached(query, values: values, types: types) { return cached }
            return self.isPipelined
                ? try self.executePipelined(query, values: values, types: types)
                : PQexecParams(self.handle, query.sql, Int32(query.bindings.count), types, values, nil, nil, 0)
        }
        guard let pointer else { throw self.lostError(query: query.sql) }
        let result = ResultHandle(pointer)
        guard statuses.contains(result.status) else {
            if result.status == PGRES_PIPELINE_ABORTED {
                throw PostgresError(kind: .server, message: "an earlier statement of the pipeline failed", sqlState: "25P02",
                                    query: query.sql)
            }
            if result.status == PGRES_FATAL_ERROR || result.status == PGRES_NONFATAL_ERROR {
                throw result.serverError(query: query.sql, connectionLost: PQstatus(self.handle) != CONNECTION_OK)
            }
            throw PostgresError(kind: .unexpectedResult,
                                message: "unexpected result status \(String(cString: PQresStatus(result.status)))",
                                query: query.sql)
        }
        return result
    }

    func ensureOpen(query: String?) throws {
        guard !self.isClosed else {
            throw PostgresError(kind: .connectionLost, message: "the connection is closed", query: query)
        }
    }

    func lostError(query: String?) -> PostgresError {
        let reason = PQerrorMessage(self.handle).map { String(cString: $0) }?.trimmingTrailingNewlines() ?? ""
        return PostgresError(kind: .connectionLost, message: reason.isEmpty ? "the connection was lost" : reason, query: query)
    }

    /// Drains any results libpq still holds, so the connection is ready for the next command.
    func drainResults() {
        while let pointer = PQgetResult(self.handle) {
            _ = ResultHandle(pointer)
        }
    }
}

/// Calls `body` with a C array of C strings (NULL for nil) that lives only for the call.
func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> Result) rethrows -> Result {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { owned.forEach { free($0) } }
    return try body(owned.map { $0.map { UnsafePointer($0) } })
}
