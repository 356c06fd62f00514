/// An error from the PostgreSQL client: a failed connect, an error the server reported,
/// a lost connection or a COPY that could not complete.
///
/// Server errors carry the fields the server sent (SQLSTATE, constraint, table, column,
/// detail, hint). `description` stays generic so it can be logged without leaking values;
/// `debugDescription` has everything, including the query text.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, at the level a caller branches on.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be established.
        public static let connectionFailed = Kind("connectionFailed")
        /// The connection broke while in use.
        public static let connectionLost = Kind("connectionLost")
        /// The server answered a statement with an error.
        public static let server = Kind("server")
        /// A COPY could not be sent or completed.
        public static let copyFailed = Kind("copyFailed")
        /// The server's answer was not of the expected shape (e.g. rows from a command).
        public static let unexpectedResult = Kind("unexpectedResult")
        /// The pool was shut down, or could not lend a connection.
        public static let poolUnavailable = Kind("poolUnavailable")

        public var description: String { self.name }
    }

    /// What went wrong.
    public var kind: Kind
    /// The primary message: the server's, or libpq's reason for a client-side failure.
    public var message: String
    /// The SQLSTATE code, when the server sent one.
    public var sqlState: SQLState?
    /// The server's severity (`ERROR`, `FATAL`, ...).
    public var severity: String?
    public var detail: String?
    public var hint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    public var dataType: String?
    public var constraint: String?
    /// Where the server says the statement went wrong (context lines of PL/pgSQL and the like).
    public var context: String?
    /// The statement that failed, when there was one.
    public var query: String?
    /// For `connectionFailed`: where the client tried to connect.
    public var endpoint: Endpoint?
    public var file: String
    public var line: Int

    /// The server a connection was meant for.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: String
        public var database: String
        public var user: String

        public var description: String {
            "host \(self.host), port \(self.port), database \(self.database), user \(self.user)"
        }
    }

    public init(
        kind: Kind,
        message: String,
        sqlState: SQLState? = nil,
        query: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.query = query
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "PostgresError.\(self.kind)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }

    public var debugDescription: String {
        var parts = ["PostgresError.\(self.kind): \(self.message)"]
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let severity { parts.append("severity: \(severity)") }
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let schema { parts.append("schema: \(schema)") }
        if let table { parts.append("table: \(table)") }
        if let column { parts.append("column: \(column)") }
        if let dataType { parts.append("dataType: \(dataType)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let context { parts.append("context: \(context)") }
        if let endpoint { parts.append("endpoint: \(endpoint)") }
        if let query { parts.append("query: \(query)") }
        parts.append("at: \(self.file):\(self.line)")
        return parts.joined(separator: "\n  ")
    }

    /// A message fit for an operator: the primary message with detail and hint, no query.
    public var operatorMessage: String {
        var text = self.message
        if let endpoint, self.kind == .connectionFailed {
            text = "cannot connect to PostgreSQL (\(endpoint)): \(self.message)"
        }
        if let detail { text += "\n  detail: \(detail)" }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }

    /// Whether retrying the same work later may succeed: connection loss and the
    /// server-side states that mean "try again" (serialization failure, deadlock,
    /// shutdown, too many connections).
    public var isTransient: Bool {
        if self.kind == .connectionFailed || self.kind == .connectionLost { return true }
        guard let sqlState else { return false }
        if sqlState.isConnectionException { return true }
        return [.serializationFailure, .deadlockDetected, .adminShutdown, .crashShutdown,
                .cannotConnectNow, .tooManyConnections].contains(sqlState)
    }
}

/// The outcome of a transaction that could not end cleanly.
///
/// A body error whose rollback succeeded is rethrown as it is; this type appears only when
/// the rollback or the commit failed too, and keeps each error apart.
public struct TransactionError: Error, Sendable, CustomStringConvertible {
    /// The error thrown by the transaction's body, if it threw.
    public var bodyError: (any Error)?
    /// The error of the `ROLLBACK` issued after the body threw.
    public var rollbackError: PostgresError?
    /// The error of the `COMMIT` issued after the body returned.
    public var commitError: PostgresError?

    public var description: String {
        var parts: [String] = []
        if let bodyError { parts.append("body: \(bodyError)") }
        if let rollbackError { parts.append("rollback: \(rollbackError.message)") }
        if let commitError { parts.append("commit: \(commitError.message)") }
        return "transaction failed (" + parts.joined(separator: "; ") + ")"
    }
}
