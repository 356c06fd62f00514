import Foundation
import Testing
import TestSupport

/// The server and `salesctl` reach tenant tables only through SalesOps (a `TenantSession`'s
/// connection is internal to it, so the compiler holds most of this); this test holds the rest:
/// neither target runs SQL of its own on any connection, but for the two statements that touch
/// no table.
@Suite("One door for tenant SQL: the server and the CLI run no statements of their own")
struct TenantDoorTests {
    /// The only statements outside SalesOps, by file: readiness's `SELECT 1` and the executor's
    /// `ROLLBACK` of a connection handed back inside a transaction.
    static let allowed: [String: Int] = ["HealthRoutes.swift": 1, "DatabaseExecutor.swift": 1]

    @Test("no file of SalesOpsServer or SalesCTLCommands calls query, execute or executeScript, but the allowed two")
    func noStatementsOutsideSalesOps() throws {
        var calls: [String: Int] = [:]
        var files = 0
        for target in ["Sources/SalesOpsServer", "Sources/SalesCTLCommands"] {
            let root = TestCluster.repositoryRoot.appendingPathComponent(target)
            let paths = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            for path in paths where path.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
                let count = text.components(separatedBy: ".query(").count - 1 + text.components(separatedBy: ".execute(").count - 1
                    + text.components(separatedBy: ".executeScript(").count - 1
                if count > 0 { calls[URL(fileURLWithPath: path).lastPathComponent, default: 0] += count }
            }
        }
        #expect(files > 50)
        #expect(calls == Self.allowed, "statements outside SalesOps: \(calls.sorted { $0.key < $1.key })")
    }
}
