import Hummingbird
import PostgresClient

/// Liveness and readiness. Neither needs a token.
struct HealthRoutes {
    let executor: DatabaseExecutor

    func register(on table: inout RouteTable) {
        // Liveness never touches the database, so slow queries cannot delay it.
        table.add(.get, "/healthz") { _, _ in
            try JSONBody.response(["status": "ok"])
        }
        table.add(.get, "/readyz") { _, _ in
            _ = try await self.executor.run(as: .service) { connection in try connection.query("SELECT 1 AS ready").rows.count }
            return try JSONBody.response(["status": "ready"])
        }
    }
}

/// The Prometheus scrape, for the operator's listener only: it names every org.
struct OperatorRoutes {
    let executor: DatabaseExecutor

    func register(on router: Router<APIContext>) {
        router.get("/metrics") { _, _ in
            // Per-org ages when a database thread is free; the rest regardless.
            _ = try? await self.executor.run(as: .service) { connection in try ServerMetrics.recordNightAges(on: connection) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }
    }
}
