import PostgresClient

/// Whether a failure may go away if the same work is tried again: connection loss, and
/// SQLSTATE classes 08, 40001, 40P01, 57P01–57P03 and 53300 (see `PostgresError.isTransient`).
/// A transaction error is transient when the error that ended it is.
func isTransient(_ error: any Error) -> Bool {
    switch error {
    case let error as PostgresError:
        return error.isTransient
    case let error as TransactionError:
        if let body = error.bodyError { return isTransient(body) }
        if let commit = error.commitError { return commit.isTransient }
        return error.rollbackError?.isTransient ?? false
    default:
        return false
    }
}

/// The one-line text of a failure recorded in a run record.
func recordedMessage(_ error: any Error) -> String {
    switch error {
    case let error as PostgresError:
        return error.operatorMessage + (error.sqlState.map { " (SQLSTATE \($0))" } ?? "")
    case let error as TransactionError:
        if let body = error.bodyError { return recordedMessage(body) }
        if let commit = error.commitError { return "commit failed: " + recordedMessage(commit) }
        return error.description
    default:
        return String(describing: error)
    }
}
