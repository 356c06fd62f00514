import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import SalesOpsServer
import Synchronization
import Testing
import TestSupport

@Suite("Database work runs on a bounded set of threads: overload is refused early, liveness never waits")
struct DatabaseExecutorTests {
    let fixture = APIFixture.shared

    /// A server with one database thread, no waiting room beyond one request, and a short wait.
    func narrowServer() -> APIServer {
        var configuration = APIConfiguration()
        configuration.database.threads = 1
        configuration.database.maximumWaiting = 1
        configuration.database.maximumWait = .milliseconds(200)
        return APIServer(connection: ConnectionConfiguration(conninfo: self.fixture.database.url), configuration: configuration,
                         logger: TestCluster.logger)
    }

    /// Starts a statement that holds the server's only thread until `release` is set, and
    /// returns once the thread is busy with it.
    func occupy(_ server: APIServer, until release: ReleaseFlag) async throws -> Task<Void, any Error> {
        let task = Task {
            _ = try await server.executor.run(as: .service) { connection in
                while !release.isSet { _ = try connection.query("SELECT pg_sleep(0.05) AS slept") }
            }
        }
        while server.executor.load.busy == 0 { try await Task.sleep(for: .milliseconds(5)) }
        return task
    }

    @Test("when every thread is busy past the wait, a request gets 503 with Retry-After, and /healthz still answers at once")
    func overloadIsRefused() async throws {
        let server = self.narrowServer()
        defer { server.executor.shutdown() }
        let release = ReleaseFlag()
        let holder = try await self.occupy(server, until: release)
        let app = server.application()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerA)"]) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        // The slow statement was still running when /healthz answered.
        #expect(server.executor.load.busy == 1)
        release.set()
        try await holder.value
        let after = try await server.application().test(.router) { client in
            try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerA)"]) { $0.status }
        }
        #expect(after == .ok)
    }

    @Test("beyond the waiting limit, work is refused at once instead of queued")
    func waitingIsBounded() async throws {
        var configuration = DatabaseExecutor.Configuration()
        configuration.threads = 1
        configuration.maximumWaiting = 2
        configuration.maximumWait = .seconds(30)
        let executor = DatabaseExecutor(connection: ConnectionConfiguration(conninfo: self.fixture.database.url),
                                        configuration: configuration, logger: TestCluster.logger)
        defer { executor.shutdown() }
        let release = ReleaseFlag()
        let holder = Task { try await executor.run(as: .service) { connection in
            while !release.isSet { _ = try connection.query("SELECT pg_sleep(0.05) AS slept") }
        } }
        while executor.load.busy == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let waiters = (0..<2).map { _ in Task { try await executor.run(as: .service) { _ in 1 } } }
        while executor.load.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: DatabaseExecutorError.overloaded) { try await executor.run(as: .service) { _ in 1 } }
        release.set()
        try await holder.value
        for waiter in waiters { #expect(try await waiter.value == 1) }
    }

    @Test("after shutdown, work is refused and every connection is closed")
    func shutdownClosesConnections() async throws {
        let executor = DatabaseExecutor(connection: ConnectionConfiguration(conninfo: self.fixture.database.url,
                                                                            applicationName: "executor-shutdown-test"),
                                        logger: TestCluster.logger)
        let pid = try await executor.run(as: .service) { connection in connection.backendPID }
        executor.shutdown()
        await #expect(throws: DatabaseExecutorError.shutDown) { try await executor.run(as: .service) { _ in 1 } }
        let connection = try self.fixture.connect()
        defer { connection.close() }
        var open = 1
        for _ in 0..<100 where open > 0 {
            open = try connection.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(pid)").rows[0].decode("n")
            if open > 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(open == 0)
    }
}

/// A flag a test sets to let a statement loop on a database thread end.
final class ReleaseFlag: Sendable {
    private let flag = Atomic(false)
    var isSet: Bool { self.flag.load(ordering: .acquiring) }
    func set() { self.flag.store(true, ordering: .releasing) }
}
