import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import SalesOpsServer
import Synchronization
import Testing
import TestSupport

@Suite("One org's load never takes another org's share of the database threads")
struct FairnessTests {
    let fixture = APIFixture.shared

    func executor(threads: Int, perOwner: Int, waitingPerOwner: Int = 16, wait: Duration = .seconds(5)) -> DatabaseExecutor {
        var configuration = DatabaseExecutor.Configuration()
        configuration.threads = threads
        configuration.threadsPerOwner = perOwner
        configuration.waitingPerOwner = waitingPerOwner
        configuration.maximumWait = wait
        return DatabaseExecutor(connection: ConnectionConfiguration(conninfo: self.fixture.database.url),
                                configuration: configuration, logger: TestCluster.logger)
    }

    /// Work of `owner` that holds its thread until `release` is set.
    func hold(_ executor: DatabaseExecutor, as owner: WorkOwner, until release: ReleaseFlag) -> Task<Void, any Error> {
        Task {
            try await executor.run(as: owner) { connection in
                while !release.isSet { _ = try connection.query("SELECT pg_sleep(0.02) AS slept") }
            }
        }
    }

    @Test("while org W floods every thread it may hold, W never holds more than its share and org B's work runs at once")
    func floodingOrgKeepsToItsShare() async throws {
        let executor = self.executor(threads: 4, perOwner: 2, wait: .seconds(30))
        defer { executor.shutdown() }
        let release = ReleaseFlag()
        defer { release.set() }  // before shutdown, which waits for held threads, also when an expectation throws
        let flood = (0..<12).map { _ in self.hold(executor, as: .org(1), until: release) }
        while executor.load.busy < 2 || executor.load.busy + executor.load.waiting < 12 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(executor.running[.org(1)] == 2)
        // B's work starts and ends while W's flood still holds its threads and waits.
        let answer = try await executor.run(as: .org(2)) { connection in
            try connection.query("SELECT 42 AS answer").rows[0].decode("answer", as: Int.self)
        }
        #expect(answer == 42)
        #expect(executor.running[.org(1)] == 2)
        #expect(executor.load.waiting == 10)
        release.set()
        for task in flood { try await task.value }
    }

    @Test("waiting work is taken round-robin by org: B's one request goes before W's tenth")
    func waitingWorkIsTakenRoundRobin() async throws {
        let executor = self.executor(threads: 1, perOwner: 1)
        defer { executor.shutdown() }
        let release = ReleaseFlag()
        defer { release.set() }  // before shutdown, which waits for held threads, also when an expectation throws
        let holder = self.hold(executor, as: .org(1), until: release)
        while executor.load.busy < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let order = OrderLog()
        let flood = (0..<5).map { index in Task { try await executor.run(as: .org(1)) { _ in order.append("W\(index)") } } }
        while executor.load.waiting < 5 { try await Task.sleep(for: .milliseconds(5)) }
        let fromB = Task { try await executor.run(as: .org(2)) { _ in order.append("B") } }
        while executor.load.waiting < 6 { try await Task.sleep(for: .milliseconds(5)) }
        release.set()
        try await holder.value
        try await fromB.value
        for task in flood { try await task.value }
        let served = order.entries
        #expect(served.count == 6)
        #expect((served.firstIndex(of: "B") ?? 99) <= 1, "served in order \(served)")
    }

    @Test("an org over its own waiting bound gets 429 with Retry-After; another org's request still succeeds")
    func orgQueueBoundRefusesThatOrgOnly() async throws {
        var configuration = APIConfiguration()
        configuration.database.threads = 2
        configuration.database.threadsPerOwner = 1
        configuration.database.waitingPerOwner = 1
        configuration.database.maximumWait = .seconds(5)
        let server = APIServer(connection: ConnectionConfiguration(conninfo: self.fixture.database.url), configuration: configuration,
                               logger: TestCluster.logger)
        defer { server.executor.shutdown() }
        // Both tokens are known to the server (first requests queue as unidentified).
        let app = server.application()
        try await app.test(.router) { client in
            for token in [self.fixture.readerA, self.fixture.readerB] {
                try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
            }
        }
        let release = ReleaseFlag()
        defer { release.set() }  // before shutdown, which waits for held threads, also when an expectation throws
        let holder = self.hold(server.executor, as: .org(self.fixture.orgA.id), until: release)
        while server.executor.load.busy < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let waiting = self.hold(server.executor, as: .org(self.fixture.orgA.id), until: release)
        while server.executor.load.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        try await app.test(.router) { client in
            // The refusal comes after the refusal delay (1 s, Retry-After), on a timer: a client
            // ignoring Retry-After cannot spin the server.
            let asked = ContinuousClock.now
            try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerA)"]) { response in
                #expect(response.status == .tooManyRequests)
                #expect(ContinuousClock.now - asked >= .milliseconds(900))
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerB)"]) { response in
                #expect(response.status == .ok)
            }
        }
        release.set()
        try await holder.value
        try await waiting.value
    }

    @Test("an org over its rate gets 429 with Retry-After while another org's requests succeed")
    func orgRateRefusesThatOrgOnly() async throws {
        var configuration = APIConfiguration()
        configuration.database.ratePerOwner = 0.2
        configuration.database.burstPerOwner = 3
        let server = APIServer(connection: ConnectionConfiguration(conninfo: self.fixture.database.url), configuration: configuration,
                               logger: TestCluster.logger)
        defer { server.executor.shutdown() }
        try await server.application().test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<6 {
                try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerA)"]) { response in
                    statuses.append(response.status)
                    if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
                }
            }
            // The first request queued as unidentified; three more fill org A's burst.
            #expect(statuses.prefix(4).allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            #expect(retryAfter.flatMap(Int.init).map { (1...5).contains($0) } == true, "Retry-After \(retryAfter ?? "none")")
            try await client.execute(uri: "/v1/org", method: .get, headers: [.authorization: "Bearer \(self.fixture.readerB)"]) { response in
                #expect(response.status == .ok)
            }
        }
    }
}

/// The order in which work ran, recorded from the database threads.
final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ entry: String) { self.log.withLock { $0.append(entry) } }
    var entries: [String] { self.log.withLock { $0 } }
}
