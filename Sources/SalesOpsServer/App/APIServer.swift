import Foundation
import Hummingbird
import Logging
import PostgresClient
import SalesOps
import ServiceLifecycle

/// Settings of `salesctl serve`.
public struct APIConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The operator's listener (`/metrics`): loopback by default, never the tenants' port.
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9464
    /// The database threads and how long and how many requests may wait for one.
    public var database = DatabaseExecutor.Configuration()
    /// `statement_timeout` of each request's transaction.
    public var statementTimeout = "10s"
    /// The largest CSV an import accepts.
    public var maximumImportBytes = 100 * 1024 * 1024
    /// How long in-flight requests may run after SIGTERM before they are cancelled.
    public var gracePeriod: Duration = .seconds(10)
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeoutSeconds: Int64 = 60
    /// TCP connections open at most, from one client address at most, and the seconds a new
    /// connection has to send its first request head.
    public var maximumConnections = 2000
    public var maximumConnectionsPerClient = 200
    public var requestHeadTimeoutSeconds: Int64 = 10
    /// How long a dashboard session lives at most and unused.
    public var sessionLifetime = DashboardSessionRepository.Lifetime()
    /// Marks dashboard cookies `Secure`: set it when clients reach the server over TLS (a
    /// TLS-terminating proxy in front of it).
    public var secureCookies = false

    public init() {}
}

/// The HTTP API of SPEC §9 on Hummingbird 2: routes, middleware, the database executor
/// and graceful shutdown.
public final class APIServer: Sendable {
    public let configuration: APIConfiguration
    /// Runs every request's database work off the event loops.
    public let executor: DatabaseExecutor
    /// Ends BI reader sessions past their limits while the server runs.
    let watchdog: ReaderSessionWatchdogTimer
    /// The org of each credential already accepted, so requests queue under their org.
    let owners = CredentialOwners()
    let logger: Logger

    /// - Parameters:
    ///   - connection: where the database threads connect (as the product's service login).
    public init(connection: ConnectionConfiguration, configuration: APIConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var connection = connection
        connection.applicationName = "salesctl serve"
        self.executor = DatabaseExecutor(connection: connection, configuration: configuration.database, logger: logger,
                                         gauges: PrometheusPoolGauges())
        self.watchdog = ReaderSessionWatchdogTimer(connection: connection, logger: logger)
        self.connectionLimits = ConnectionLimits(total: configuration.maximumConnections,
                                                 perClient: configuration.maximumConnectionsPerClient,
                                                 headTimeout: .seconds(configuration.requestHeadTimeoutSeconds))
    }

    /// The router with every route, and the table of what it serves.
    public func router() -> (Router<APIContext>, [RouteDescription]) {
        _ = ServerMetrics.registry  // bootstraps swift-metrics before the metrics middleware makes its first metric
        // HEAD is answered on every GET route with the GET's headers.
        let router = Router(context: APIContext.self, options: .autoGenerateHeadEndpoints)
        let index = RouteIndex()
        router.add(middleware: ServerTimingMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(index: index))
        var table = RouteTable(router: router)
        let access = TenantAccess(executor: self.executor, owners: self.owners, statementTimeout: self.configuration.statementTimeout)
        HealthRoutes(executor: self.executor).register(on: &table)
        OrgRoutes(access: access).register(on: &table)
        ForecastRoutes(access: access).register(on: &table)
        KPIRoutes(access: access).register(on: &table)
        TargetRoutes(access: access).register(on: &table)
        TeamRepRoutes(access: access).register(on: &table)
        ImportRoutes(access: access, maximumBytes: self.configuration.maximumImportBytes).register(on: &table)
        DashboardRoutes(access: DashboardAccess(executor: self.executor, owners: self.owners, statementTimeout: self.configuration.statementTimeout,
                                                lifetime: self.configuration.sessionLifetime,
                                                secureCookies: self.configuration.secureCookies),
                        logger: self.logger).register(on: router)
        index.set(table.routes)
        return (router, table.routes.sorted())
    }

    /// The routes served, as the OpenAPI document names them.
    public var routes: [RouteDescription] { self.router().1 }

    /// The operator's router: `/metrics` (Prometheus text), which names orgs, so it is served
    /// on its own listener and never to tenants.
    public func operatorRouter() -> Router<APIContext> {
        _ = ServerMetrics.registry
        let router = Router(context: APIContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ProblemMiddleware())
        OperatorRoutes(executor: self.executor).register(on: router)
        return router
    }

    /// The operator's Hummingbird application, on `metricsHost:metricsPort`.
    public func operatorApplication() -> some ApplicationProtocol {
        Application(
            router: self.operatorRouter(),
            server: .http1(configuration: .init(idleTimeout: .seconds(self.configuration.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(self.configuration.metricsHost, port: self.configuration.metricsPort),
                                 serverName: "salesops-operator"),
            logger: self.logger
        )
    }

    /// The tenants' connections: bounded in number, per client and in how long a first request may take.
    public let connectionLimits: ConnectionLimits

    /// The Hummingbird application (tests drive it in-process).
    public func application() -> some ApplicationProtocol {
        let limits = self.connectionLimits
        return Application(
            router: self.router().0,
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits: limits)],
                                                idleTimeout: .seconds(self.configuration.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(self.configuration.host, port: self.configuration.port),
                                 serverName: "salesops"),
            logger: self.logger
        )
    }

    /// Serves until SIGTERM or SIGINT: then stops accepting, lets in-flight requests finish
    /// within the grace period, and closes the database connections.
    public func run() async throws {
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: self.application()), .init(service: self.operatorApplication())],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: self.logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = self.configuration.gracePeriod
        self.watchdog.start()
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            await self.shutdown()
            throw error
        }
        await self.shutdown()
    }

    /// Closes the database threads (off the event loops: it blocks until they end).
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                self.watchdog.stop()
                self.executor.shutdown()
                continuation.resume()
            }
        }
    }
}
