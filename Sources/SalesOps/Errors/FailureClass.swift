import PostgresClient

/// What kind of failure an error is, decided once: the CLI turns the class into an exit code
/// (SPEC §8) and the API into a status, so the same error is bad data on both doors.
public enum FailureClass: Sendable, Equatable, CustomStringConvertible {
    /// A CSV broke the import rules (`ImportFailure`): 65, 422.
    case rejectedImport
    /// A value broke a product rule: 65, 400.
    case invalidInput
    /// A named entity does not exist in the org: 65, 404.
    case notFound
    /// A uniqueness or state rule: 65, 409.
    case conflict
    /// A value the database could not take — out of range, not valid text, a division by zero
    /// of given numbers (SQLSTATE class 22, data exceptions): 65, 400.
    case badValue
    /// A constraint of the data (SQLSTATE class 23): 65, 422.
    case constraintViolation
    /// The database is unreachable, shutting down or full of connections: 69, 503.
    case unavailable
    /// A lock or statement timeout, a serialization failure or a deadlock that outlived the
    /// retries: retrying may succeed. 75, 503.
    case temporary
    /// Anything else: a defect or a broken deployment. 70, 500.
    case internalError

    /// The SQLSTATEs that may pass when retried.
    public static let temporaryStates: Set<SQLState> = ["55P03", "57014", "40001", "40P01"]

    /// The class of an error, looking through a failed transaction to the error that failed it.
    public static func of(_ error: any Error) -> FailureClass {
        switch error {
        case is ImportFailure:
            return .rejectedImport
        case is PeriodNotMaterialized:
            return .notFound
        case let error as UnknownName:
            return error.isMissingEntity ? .notFound : .invalidInput
        case let error as SalesOpsError:
            switch error {
            case .invalidInput: return .invalidInput
            case .notFound: return .notFound
            case .conflict: return .conflict
            case .schemaDrift: return .invalidInput
            }
        case let error as TransactionError:
            if let body = error.bodyError { return of(body) }
            if let commit = error.commitError { return of(commit) }
            return .internalError
        case let error as PostgresError:
            return of(error)
        default:
            return .internalError
        }
    }

    /// The class of a database error, by its kind and SQLSTATE.
    public static func of(_ error: PostgresError) -> FailureClass {
        if error.kind == .connectionFailed || error.kind == .connectionLost { return .unavailable }
        guard let state = error.sqlState else { return .internalError }
        if state.isConnectionException || [.adminShutdown, .crashShutdown, .cannotConnectNow, .tooManyConnections].contains(state) {
            return .unavailable
        }
        if self.temporaryStates.contains(state) { return .temporary }
        if state.errorClass == "22" { return .badValue }
        if state.isIntegrityConstraintViolation { return .constraintViolation }
        return .internalError
    }

    public var description: String {
        switch self {
        case .rejectedImport: "rejected import"
        case .invalidInput: "invalid input"
        case .notFound: "not found"
        case .conflict: "conflict"
        case .badValue: "bad value"
        case .constraintViolation: "constraint violation"
        case .unavailable: "unavailable"
        case .temporary: "temporary failure"
        case .internalError: "internal error"
        }
    }
}
