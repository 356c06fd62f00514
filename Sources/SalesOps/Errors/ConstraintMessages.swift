import PostgresClient

extension PostgresError {
    /// Turns an integrity-constraint violation into a `SalesOpsError` an operator can act on.
    ///
    /// - Parameter messages: a message per constraint name; constraints not listed get the
    ///   server's own message with the constraint's name.
    /// - Returns: the translated error, or `self` when it is not a constraint violation.
    func translatingConstraints(_ messages: [String: String] = [:]) -> any Error {
        guard let sqlState, sqlState.isIntegrityConstraintViolation || sqlState == .raiseException else { return self }
        let text = self.constraint.flatMap { messages[$0] ?? Self.textRuleMessage($0) }
            ?? (self.message + (self.constraint.map { " (constraint \($0))" } ?? ""))
        if sqlState == .uniqueViolation { return SalesOpsError.conflict(text) }
        return SalesOpsError.invalidInput(text)
    }

    /// The message of a `text_rule_<column>` constraint (sql/020).
    private static func textRuleMessage(_ constraint: String) -> String? {
        guard constraint.hasPrefix("text_rule_") else { return nil }
        let column = String(constraint.dropFirst("text_rule_".count))
        return "\(column) must be 1–\(TextLimits.maximumLength(ofColumn: column)) characters without leading or trailing spaces"
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
