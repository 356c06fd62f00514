import PostgresClient

extension PostgresError {
    /// Turns an integrity-constraint violation into a `SalesOpsError` an operator can act on.
    ///
    /// - Parameter messages: a message per constraint name; constraints not listed get the
    ///   server's own message with the constraint's name.
    /// - Returns: the translated error, or `self` when it is not a constraint violation.
    func translatingConstraints(_ messages: [String: String] = [:]) -> any Error {
        guard let sqlState, sqlState.isIntegrityConstraintViolation || sqlState == .raiseException else { return self }
        let text = self.constraint.flatMap { messages[$0] }
            ?? (self.message + (self.constraint.map { " (constraint \($0))" } ?? ""))
        if sqlState == .uniqueViolation { return SalesOpsError.conflict(text) }
        return SalesOpsError.invalidInput(text)
    }
}

/// Runs `body`, translating constraint violations with `messages`.
@discardableResult
func translatingConstraints<Result>(_ messages: [String: String] = [:], _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as PostgresError {
        throw error.translatingConstraints(messages)
    }
}
