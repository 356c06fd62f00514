import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresClient
import SalesOpsServer
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A client without a token opens idle TCP connections by the hundred: the server closes those
/// over its bounds at once and the rest when no request head arrives in time, and /healthz
/// keeps answering other clients.
@Suite("A flood of idle connections neither exhausts the server nor stops /healthz")
struct ConnectionFloodTests {
    let fixture = APIFixture.shared

    /// An idle TCP connection from `source` (a loopback address) to the port; -1 when the connect failed.
    static func idleSocket(port: Int, from source: String) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else {
            close(fd)
            return -1
        }
        return fd
    }

    /// Whether the server has closed the socket (a read returns end of file or an error within `milliseconds`).
    static func closedByServer(_ fd: Int32, milliseconds: Int32 = 20) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }

    @Test("idle sockets over the per-client bound are closed at once, the rest after the head timeout; /healthz answers throughout")
    func idleFloodIsShed() async throws {
        var configuration = APIConfiguration()
        configuration.port = 0
        configuration.maximumConnections = 200
        configuration.maximumConnectionsPerClient = 20
        configuration.requestHeadTimeoutSeconds = 2
        let server = APIServer(connection: ConnectionConfiguration(conninfo: self.fixture.database.url), configuration: configuration,
                               logger: TestCluster.logger)
        defer { server.executor.shutdown() }
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let flood = (0..<150).map { _ in Self.idleSocket(port: port, from: "127.0.0.2") }
            defer { flood.filter { $0 >= 0 }.forEach { close($0) } }
            #expect(flood.filter { $0 >= 0 }.count == 150)
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await Task.sleep(for: .milliseconds(500))
            let shedAtOnce = flood.filter { Self.closedByServer($0) }.count
            #expect(shedAtOnce >= 130, "\(shedAtOnce) of 150 closed at once")
            try await Task.sleep(for: .seconds(3))
            let shedLater = flood.filter { Self.closedByServer($0) }.count
            #expect(shedLater == 150, "\(shedLater) of 150 closed after the head timeout")
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            #expect(server.connectionLimits.openConnections <= 1)
        }
    }
}
