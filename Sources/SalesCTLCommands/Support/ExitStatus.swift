import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// The exit codes of SPEC §8.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let usage: Int32 = 64
    public static let badData: Int32 = 65
    public static let unavailable: Int32 = 69
    public static let internalError: Int32 = 70
    public static let temporaryFailure: Int32 = 75

    /// Errors that may pass when retried: a lock held too long, a statement timeout, a
    /// serialization failure or deadlock.
    static let temporaryStates: Set<SQLState> = ["55P03", "57014", "40001", "40P01"]

    /// The exit code for an error and the message an operator sees.
    static func classify(_ error: any Error) -> (code: Int32, message: String) {
        switch error {
        case let failure as ImportFailure:
            return (badData, failure.description)
        case let error as SalesOpsError:
            return (badData, error.description)
        case let error as MigrationLockBusy:
            return (temporaryFailure, "temporary failure, retrying may succeed: " + error.description)
        case let error as PostgresError where error.kind == .connectionFailed || error.kind == .connectionLost:
            return (unavailable, error.operatorMessage)
        case let error as PostgresError where error.sqlState?.isConnectionException == true
            || [.adminShutdown, .crashShutdown, .cannotConnectNow, .tooManyConnections].contains(error.sqlState):
            return (unavailable, error.operatorMessage)
        case let error as PostgresError where error.sqlState.map(Self.temporaryStates.contains) == true:
            return (temporaryFailure, "temporary failure, retrying may succeed: " + error.operatorMessage
                    + (error.sqlState.map { " (SQLSTATE \($0))" } ?? ""))
        case let error as PostgresError where error.sqlState?.isIntegrityConstraintViolation == true:
            return (badData, error.operatorMessage)
        case let error as PostgresError:
            return (internalError, "database error: " + error.operatorMessage + (error.sqlState.map { " (SQLSTATE \($0))" } ?? ""))
        case let error as TransactionError:
            if let body = error.bodyError { return classify(body) }
            if let commit = error.commitError { return classify(commit) }
            return (internalError, error.description)
        case let error as CocoaError:
            return (badData, error.localizedDescription)
        default:
            return (internalError, "internal error: \(error)")
        }
    }
}

/// Runs a command body, turning any error into a message on stderr and the exit code of
/// SPEC §8. Usage errors never reach here: ArgumentParser reports them with exit 64.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw ExitStatus.reported(error)
    }
}

/// `reportingErrors` for an asynchronous command body (`serve`).
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw ExitStatus.reported(error)
    }
}

extension ExitStatus {
    /// Writes the error's message to stderr and returns the exit to throw (an `ExitCode`
    /// passes through untouched).
    static func reported(_ error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let (code, message) = self.classify(error)
        FileHandle.standardError.write(Data(("salesctl: " + message + "\n").utf8))
        return ExitCode(code)
    }
}
