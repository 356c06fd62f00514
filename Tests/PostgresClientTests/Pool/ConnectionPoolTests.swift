import Dispatch
import Foundation
import PostgresClient
import Synchronization
import Testing
import TestSupport

@Suite("The pool lends each connection to one user at a time")
struct ConnectionPoolTests {
    @Test("concurrent borrowers never share a connection and never exceed the limit")
    func oneUserAtATime() throws {
        let pool = ConnectionPool(configuration: ConnectionConfiguration(conninfo: SharedDatabase.database.url),
                                  maximumConnections: 3, logger: TestCluster.logger)
        defer { pool.shutdown() }
        struct Observed {
            var borrowedPIDs: Set<Int32> = []
            var everSeen: Set<Int32> = []
            var sharedAtOnce = false
            var mostAtOnce = 0
        }
        let observed = Mutex(Observed())
        let errors = Mutex<[String]>([])
        // Three threads of their own (not the shared pool of `concurrentPerform`, which may run
        // everything on one thread when the machine is busy), 8 borrows each; each thread's
        // first borrow waits until all three hold a connection (at most 5 s), so lending
        // concurrently is observed however the threads are scheduled.
        let allBorrowed = DispatchGroup()
        let done = DispatchGroup()
        for _ in 0..<3 { allBorrowed.enter() }
        for _ in 0..<3 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                for round in 0..<8 {
                    do {
                        try pool.withConnection { connection in
                            let pid = connection.backendPID
                            observed.withLock { state in
                                if !state.borrowedPIDs.insert(pid).inserted { state.sharedAtOnce = true }
                                state.everSeen.insert(pid)
                                state.mostAtOnce = max(state.mostAtOnce, state.borrowedPIDs.count)
                            }
                            if round == 0 {
                                allBorrowed.leave()
                                _ = allBorrowed.wait(timeout: .now() + 5)
                            }
                            try connection.execute("SELECT pg_sleep(0.02)")
                            observed.withLock { _ = $0.borrowedPIDs.remove(pid) }
                        }
                    } catch {
                        errors.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        done.wait()
        #expect(errors.withLock { $0 } == [])
        let final = observed.withLock { $0 }
        #expect(final.sharedAtOnce == false)
        #expect(final.mostAtOnce <= 3)
        #expect(final.everSeen.count <= 3)
        #expect(final.mostAtOnce >= 2, "the pool should lend connections concurrently")
    }

    @Test("a connection returned inside a transaction is rolled back before it is lent again")
    func returnsCleanConnections() throws {
        let pool = ConnectionPool(configuration: ConnectionConfiguration(conninfo: SharedDatabase.database.url),
                                  maximumConnections: 1, logger: TestCluster.logger)
        defer { pool.shutdown() }
        try pool.withConnection { connection in
            try connection.execute("BEGIN")
            try connection.execute("SELECT set_config('salesops.org_id', '42', true)")
        }
        let setting: String? = try pool.withConnection { connection in
            #expect(!connection.isInTransaction)
            return try connection.query("SELECT NULLIF(current_setting('salesops.org_id', true), '') AS org").rows[0].decode("org")
        }
        #expect(setting == nil)
    }

    @Test("after shutdown the pool refuses to lend")
    func shutdownRefuses() throws {
        let pool = ConnectionPool(configuration: ConnectionConfiguration(conninfo: SharedDatabase.database.url),
                                  maximumConnections: 1, logger: TestCluster.logger)
        pool.shutdown()
        let error = #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(error?.kind == .poolUnavailable)
    }
}
