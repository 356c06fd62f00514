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

    /// The exit code for an error and the message an operator sees. The class is the one the
    /// API answers by (`FailureClass`), so an error is bad data on both doors.
    static func classify(_ error: any Error) -> (code: Int32, message: String) {
        switch error {
        case let error as CitusCluster.NotACluster:
            return (usage, error.description)
        case let error as MigrationLockBusy:
            return (temporaryFailure, "temporary failure, retrying may succeed: " + error.description)
        case let error as CocoaError:
            return (badData, error.localizedDescription)
        case let error as TransactionError:
            if let body = error.bodyError { return classify(body) }
            if let commit = error.commitError { return classify(commit) }
            return (internalError, error.description)
        default:
            break
        }
        let failure = FailureClass.of(error)
        let message = (error as? UnknownName).map { $0.message(lookIn: Self.lookIn($0.listing)) } ?? Self.message(error)
        switch failure {
        case .rejectedImport, .invalidInput, .notFound, .conflict, .constraintViolation:
            return (badData, message)
        case .badValue:
            return (badData, "bad data: " + message)
        case .unavailable:
            return (unavailable, message)
        case .temporary:
            return (temporaryFailure, "temporary failure, retrying may succeed: " + message)
        case .internalError:
            if error is PostgresError { return (internalError, "database error: " + message) }
            return (internalError, "internal error: \(error)")
        }
    }

    /// The command that lists the names an unknown one was compared with.
    static func lookIn(_ listing: UnknownName.Listing) -> String {
        switch listing {
        case .metrics: "'salesctl kpi metrics' lists them"
        case .dimensions: "'salesctl kpi metrics' lists each metric's breakdowns"
        case .stages: "'salesctl pipeline list --org SLUG' lists pipelines and stages"
        case .teams: "'salesctl team list --org SLUG' lists them"
        case .reps: "'salesctl rep list --org SLUG' lists them"
        }
    }

    /// An error's text for an operator: a database error with its SQLSTATE when it is not a
    /// connection failure or a broken constraint (whose messages name what broke).
    private static func message(_ error: any Error) -> String {
        guard let error = error as? PostgresError else { return "\(error)" }
        switch FailureClass.of(error) {
        case .unavailable, .constraintViolation: return error.operatorMessage
        default: return error.operatorMessage + (error.sqlState.map { " (SQLSTATE \($0))" } ?? "")
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
