@testable import PostgresClient
@testable import SalesOps
import Testing

/// Work that a shard move interrupted runs again; nothing else does.
@Suite("Work interrupted by a shard move runs again")
struct ShardMoveTests {
    static let moved = PostgresError(kind: .server, message: "could not find valid entry for shard 103033", sqlState: "XX000")

    @Test("only Citus's missing-shard error counts, also inside a failed transaction")
    func whatCounts() {
        #expect(ShardMove.interrupted(Self.moved))
        #expect(ShardMove.interrupted(TransactionError(bodyError: Self.moved, rollbackError: nil, commitError: nil)))
        #expect(!ShardMove.interrupted(PostgresError(kind: .server, message: "could not find valid entry for shard 1", sqlState: "42P01")))
        #expect(!ShardMove.interrupted(PostgresError(kind: .server, message: "division by zero", sqlState: "XX000")))
        #expect(!ShardMove.interrupted(SalesOpsError.invalidInput("could not find valid entry for shard 1")))
    }

    @Test("retrying runs the work again after a move, gives up after its retries, and never retries another failure")
    func retries() throws {
        var calls = 0
        let value = try ShardMove.retrying { () throws -> Int in
            calls += 1
            if calls < 3 { throw Self.moved }
            return 42
        }
        #expect(value == 42 && calls == 3)

        calls = 0
        #expect(throws: PostgresError.self) { try ShardMove.retrying { calls += 1; throw Self.moved } }
        #expect(calls == ShardMove.retries + 1)

        calls = 0
        #expect(throws: SalesOpsError.self) { try ShardMove.retrying { calls += 1; throw SalesOpsError.conflict("no") } }
        #expect(calls == 1)
    }
}
