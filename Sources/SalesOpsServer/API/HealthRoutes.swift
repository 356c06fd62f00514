import Hummingbird
import PostgresClient

/// Liveness, readiness and the Prometheus scrape. None needs a token.
struct HealthRoutes {
    let executor: DatabaseExecutor

    func register(on table: inout RouteTable) {
        // Liveness never touches the database, so slow queries cannot delay it.
        table.add(.get, "/healthz") { _, _ in
            try JSONBody.response(["status": "ok"])
        }
        table.add(.get, "/readyz") { _, _ in
            _ = try await self.executor.run { connection in try connection.query("SELECT 1 AS ready").rows.count }
            return try JSONBody.response(["status": "ready"])
        }
        table.add(.get, "/metrics") { _, _ in
            // Per-org ages when a database thread is free; the rest regardless.
            _ = try? await self.executor.run { connection in try ServerMetrics.recordNightAges(on: connection) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }
    }
}
