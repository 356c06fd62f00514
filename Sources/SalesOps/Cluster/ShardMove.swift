import Foundation
import PostgresClient

/// The failure a statement meets on a Citus cluster when the shard it was planned for moved
/// or split while it ran (`salesctl org isolate`, `cluster rebalance`): the org's rows are all
/// there, under a new shard, and the same work run again finds them.
public enum ShardMove {
    /// How often work is run again after a shard of its org moved under it.
    static let retries = 3

    /// Whether `error` (or the error that failed a transaction) is Citus's "could not find
    /// valid entry for shard" (SQLSTATE XX000): the shard a statement was planned for no
    /// longer exists.
    public static func interrupted(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError:
            error.sqlState == "XX000" && error.message.hasPrefix("could not find valid entry for shard")
        case let error as TransactionError:
            [error.bodyError, error.commitError].contains { $0.map(Self.interrupted) ?? false }
        default:
            false
        }
    }

    /// Runs `body`, and again (up to `retries` times, a moment apart) when a shard of its org
    /// moved under it. `body` must be a whole transaction: one that failed left nothing behind.
    public static func retrying<Result>(_ body: () throws -> Result) throws -> Result {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch where attempt < Self.retries && Self.interrupted(error) {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }
}
