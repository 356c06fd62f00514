import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("A materialization reads one snapshot")
struct MaterializationSnapshotTests {
    /// Five October wins, in CSV, for an org holding the demo data.
    static let octoberWins = "external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,type,product,contract_months,created_at,closed_at\n"
        + (1...5).map { "late-\($0),Late win \($0),a-bosch,r-anna,New Business,Closed Won,1000.00,new,Platform,12,2026-10-0\($0)T09:00:00Z,2026-10-1\($0)T09:00:00Z\n" }.joined()

    static func deals(_ connection: Connection, org: Org) throws -> (wins: Decimal?, byProduct: Decimal?) {
        let row = try connection.query("""
            SELECT (SELECT value FROM kpi.metric_fact_rows WHERE org_id = \(org.id) AND period_kind = 'month'
                      AND period_start = '2026-10-01' AND scope_kind = 'org' AND metric = 'deals_won') AS wins,
                   (SELECT sum(value) FROM kpi.breakdown_fact_rows WHERE org_id = \(org.id) AND period_kind = 'month'
                      AND period_start = '2026-10-01' AND scope_kind = 'org' AND metric = 'deals_won'
                      AND dimension = 'product') AS by_product
            """).rows[0]
        return (try row.decode("wins"), try row.decode("by_product"))
    }

    @Test("an import committing between two families is seen by neither: deals_won and its product breakdown agree")
    func importBetweenFamilies() throws {
        let connection = try SharedDatabase.connect()
        let other = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        for kind in ImportKind.allCases {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
            _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: file)!, fileName: file)
        }
        var materializer = KPIMaterializer(connection: connection)
        var imported = false
        materializer.afterFamily = { family in
            guard family == "additive", !imported else { return }
            imported = true
            let report = try Importer(connection: other).run(.deals, orgID: org.id, handle: try Self.pipe(Self.octoberWins), fileName: "late.csv")
            #expect(report.inserted == 5)
        }
        _ = try materializer.materialize(org: org, from: LocalDate("2026-10-01")!, to: LocalDate("2026-10-31")!)
        #expect(imported)
        let during = try Self.deals(connection, org: org)
        #expect(during.wins != nil)
        #expect(during.wins == during.byProduct, "deals_won \(String(describing: during.wins)) vs by product \(String(describing: during.byProduct))")
        // A second run sees the import in every family.
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-10-01")!, to: LocalDate("2026-10-31")!)
        let after = try Self.deals(connection, org: org)
        #expect(after.wins == during.wins.map { $0 + 5 })
        #expect(after.wins == after.byProduct)
    }

    static func pipe(_ text: String) throws -> FileHandle {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("late-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return try FileHandle(forReadingFrom: url)
    }
}

@Suite("Two runs of one org: the second waits, then starts over on a snapshot that sees the first")
struct ConcurrentMaterializationTests {
    @Test("a run that waited for another run of the same org succeeds, and its facts equal a run made afterwards")
    func waitingRunStartsOver() throws {
        let connection = try SharedDatabase.connect()
        let watcher = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        for kind in ImportKind.allCases {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
            _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: file)!, fileName: file)
        }
        let from = LocalDate("2026-10-01")!, to = LocalDate("2026-10-31")!
        var first = KPIMaterializer(connection: connection)
        let secondResult = ResultBox()
        let done = DispatchSemaphore(value: 0)
        first.afterFamily = { family in
            guard family == "additive", secondResult.thread == nil else { return }
            let thread = Thread {
                secondResult.store(Result {
                    let second = try SharedDatabase.connect()
                    defer { second.close() }
                    secondResult.pid = second.backendPID
                    return try KPIMaterializer(connection: second).materialize(org: org, from: from, to: to)
                })
                done.signal()
            }
            secondResult.thread = thread
            thread.start()
            // Go on once the second run waits for this run's lock on the org.
            var waiting = false
            while !waiting {
                if let pid = secondResult.pid {
                    waiting = try watcher.query("""
                        SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = \(pid) AND wait_event_type = 'Lock') AS w
                        """).rows[0].decode("w")
                }
                if !waiting { Thread.sleep(forTimeInterval: 0.02) }
            }
        }
        let firstReport = try first.materialize(org: org, from: from, to: to)
        #expect(firstReport.rowsWritten > 0)
        done.wait()
        let secondReport = try #require(try secondResult.value?.get())
        #expect(secondReport.rowsWritten == 0, "the second run saw the first run's facts and found nothing to change")
        #expect(try KPIMaterializer(connection: connection).materialize(org: org, from: from, to: to).rowsWritten == 0)
    }
}

/// Carries the second run's backend and outcome between threads (the test polls `pid` until it is
/// set; `value` is read after the semaphore).
final class ResultBox: @unchecked Sendable {
    var thread: Thread?
    var pid: Int32?
    private(set) var value: Result<MaterializationReport, any Error>?
    func store(_ value: Result<MaterializationReport, any Error>) { self.value = value }
}
