extension Connection {
    /// Runs `body` inside `BEGIN` ... `COMMIT`.
    ///
    /// If the body throws, the transaction is rolled back and the body's error is rethrown
    /// as it is; if the rollback fails as well, a `TransactionError` carries both. If the
    /// commit fails (or the server turns it into a rollback because the transaction had
    /// failed), a `TransactionError` carries the commit's error.
    /// - Parameters:
    ///   - isolation: e.g. `"REPEATABLE READ"`; nil keeps the server's default.
    ///   - body: the work; it receives this connection.
    @discardableResult
    public func withTransaction<Result>(
        isolation: TransactionIsolation? = nil,
        _ body: (Connection) throws -> Result
    ) throws -> Result {
        if let isolation {
            try self.execute("BEGIN ISOLATION LEVEL \(unescaped: isolation.sql)")
        } else {
            try self.execute("BEGIN")
        }
        let result: Result
        do {
            result = try body(self)
        } catch {
            do {
                try self.execute("ROLLBACK")
            } catch let rollbackError as PostgresError {
                throw TransactionError(bodyError: error, rollbackError: rollbackError, commitError: nil)
            }
            throw error
        }
        do {
            let outcome = try self.query("COMMIT")
            if outcome.commandTag == "ROLLBACK" {
                throw PostgresError(kind: .server, message: "the transaction had failed and was rolled back instead of committed",
                                    sqlState: "25P02", query: "COMMIT")
            }
        } catch let commitError as PostgresError {
            if self.isInTransaction { _ = try? self.execute("ROLLBACK") }
            throw TransactionError(bodyError: nil, rollbackError: nil, commitError: commitError)
        }
        return result
    }
}

/// A transaction isolation level.
public enum TransactionIsolation: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}
