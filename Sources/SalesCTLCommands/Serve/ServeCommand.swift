import ArgumentParser
import Foundation
import SalesOpsServer

/// `salesctl serve [--host H] [--port P]`: the tenants' HTTP API (SPEC §9).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (JSON under /v1, /healthz, /readyz) and the dashboard (/dashboard) until SIGTERM or SIGINT; /metrics on the operator's listener.",
        discussion: """
            Requests carry 'Authorization: Bearer TOKEN' (salesctl token create); the dashboard logs in with the
            same tokens and keeps a session cookie (HttpOnly, SameSite=Strict; --secure-cookies behind TLS). Database work runs on
            --db-threads threads that own one connection each; a request waits at most --queue-wait-ms for
            one and is otherwise refused with 503 and Retry-After. One org holds at most --org-threads of them,
            has at most --org-queue-limit requests waiting and starts at most --org-rate a second; beyond that
            its requests (only its) get 429 and Retry-After. Prometheus metrics are served on their own
            listener, --metrics-host:--metrics-port (loopback by default), never on the tenants' port.
            SIGTERM stops accepting, lets in-flight requests finish within --grace-seconds and closes the
            connections; exit 0.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Database threads (connections), 1–256.")
    var dbThreads = 8

    @Option(help: "Requests that may wait for a database thread at once.")
    var queueLimit = 64

    @Option(help: "Milliseconds a request may wait for a database thread before 503.")
    var queueWaitMs = 500

    @Option(help: "Database threads one org's requests may hold at once (default: a quarter of --db-threads).")
    var orgThreads: Int?

    @Option(help: "Requests of one org that may wait for a database thread at once.")
    var orgQueueLimit = 16

    @Option(help: "Requests one org may start per second on average (bursts of twice as many).")
    var orgRate = 100

    @Option(help: "TCP connections open at once at most; more are closed as they arrive.")
    var maxConnections = 2000

    @Option(help: "TCP connections open at once from one client address at most.")
    var maxConnectionsPerClient = 200

    @Option(help: "Seconds a new connection has to send its first request head before it is closed.")
    var requestHeadTimeoutSeconds = 10

    @Option(help: "Address of the operator's listener serving /metrics.")
    var metricsHost = "127.0.0.1"

    @Option(help: "Port of the operator's listener serving /metrics (0 picks a free one).")
    var metricsPort = 9464

    @Option(help: "Seconds a request's statements may run (statement_timeout).")
    var statementTimeoutSeconds = 10

    @Option(help: "Largest CSV import in MiB.")
    var maxImportMib = 100

    @Option(help: "Seconds in-flight requests get to finish after SIGTERM.")
    var graceSeconds = 10

    @Option(help: "Hours a dashboard session lives at most (it ends earlier when its token does).")
    var sessionHours = 12

    @Flag(help: "Mark dashboard cookies Secure (clients reach the server over TLS, e.g. through a proxy).")
    var secureCookies = false

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port \(self.port) must be 0–65535") }
        guard (1...256).contains(self.dbThreads) else { throw ValidationError("--db-threads \(self.dbThreads) must be 1–256") }
        guard (0...10_000).contains(self.queueLimit) else { throw ValidationError("--queue-limit must be 0–10000") }
        if let orgThreads, !(1...self.dbThreads).contains(orgThreads) {
            throw ValidationError("--org-threads \(orgThreads) must be 1–\(self.dbThreads) (--db-threads)")
        }
        guard (1...100_000).contains(self.maxConnections) else { throw ValidationError("--max-connections must be 1–100000") }
        guard (1...self.maxConnections).contains(self.maxConnectionsPerClient) else {
            throw ValidationError("--max-connections-per-client must be 1–\(self.maxConnections) (--max-connections)")
        }
        guard (1...300).contains(self.requestHeadTimeoutSeconds) else { throw ValidationError("--request-head-timeout-seconds must be 1–300") }
        guard (1...10_000).contains(self.orgQueueLimit) else { throw ValidationError("--org-queue-limit must be 1–10000") }
        guard (1...100_000).contains(self.orgRate) else { throw ValidationError("--org-rate must be 1–100000") }
        guard (0...65535).contains(self.metricsPort) else { throw ValidationError("--metrics-port \(self.metricsPort) must be 0–65535") }
        guard (1...60_000).contains(self.queueWaitMs) else { throw ValidationError("--queue-wait-ms must be 1–60000") }
        guard (1...3600).contains(self.statementTimeoutSeconds) else { throw ValidationError("--statement-timeout-seconds must be 1–3600") }
        guard (1...10_240).contains(self.maxImportMib) else { throw ValidationError("--max-import-mib must be 1–10240") }
        guard (0...3600).contains(self.graceSeconds) else { throw ValidationError("--grace-seconds must be 0–3600") }
        guard (1...720).contains(self.sessionHours) else { throw ValidationError("--session-hours must be 1–720") }
    }

    func run() async throws {
        var configuration = APIConfiguration()
        configuration.host = self.host
        configuration.port = self.port
        configuration.database.threads = self.dbThreads
        configuration.database.maximumWaiting = self.queueLimit
        configuration.database.maximumWait = .milliseconds(self.queueWaitMs)
        configuration.database.threadsPerOwner = self.orgThreads
        configuration.database.waitingPerOwner = self.orgQueueLimit
        configuration.database.ratePerOwner = Double(self.orgRate)
        configuration.database.burstPerOwner = Double(2 * self.orgRate)
        configuration.maximumConnections = self.maxConnections
        configuration.maximumConnectionsPerClient = self.maxConnectionsPerClient
        configuration.requestHeadTimeoutSeconds = Int64(self.requestHeadTimeoutSeconds)
        configuration.metricsHost = self.metricsHost
        configuration.metricsPort = self.metricsPort
        configuration.statementTimeout = "\(self.statementTimeoutSeconds)s"
        configuration.maximumImportBytes = self.maxImportMib * 1024 * 1024
        configuration.gracePeriod = .seconds(self.graceSeconds)
        configuration.sessionLifetime.absolute = .seconds(self.sessionHours * 3600)
        configuration.secureCookies = self.secureCookies
        let server = APIServer(connection: self.global.connectionConfiguration, configuration: configuration,
                               logger: self.global.logger)
        try await reportingErrors { try await server.run() }
    }
}
