import PostgresClient

/// Whether an error (or the body or commit error a `TransactionError` carries) is a
/// PostgreSQL error with one of `states`: the failures a transaction may pass when run again.
func failed(with states: Set<SQLState>, _ error: any Error) -> Bool {
    switch error {
    case let error as PostgresError: error.sqlState.map(states.contains) ?? false
    case let error as TransactionError: [error.bodyError, error.commitError].contains { $0.map { failed(with: states, $0) } ?? false }
    default: false
    }
}
