import Foundation
import PostgresClient
import SalesOps

/// Tenant relations found from the catalog, so tests cover tables and views added later.
public enum TenantCatalog {
    /// Every relation of a tenant schema with an `org_id` column: tables, and views too when
    /// asked. `salesops_meta` is the product's bookkeeping schema and `kpi_run` a KPI run's
    /// working tables (empty outside a run), both out of every tenant role's reach
    /// (`TenancyCatalogTests` checks that).
    public static func relations(_ connection: Connection, includingViews: Bool = false) throws -> [String] {
        try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'salesops_meta', 'kpi_run') AND n.nspname NOT LIKE 'pg\\_%'
              AND c.relkind = ANY(\(includingViews ? ["r", "p", "v", "m"] : ["r", "p"])::"char"[])
            ORDER BY 1
            """).rows.map { try $0.decode("name") }
    }

    /// Per tenant table, the count and a checksum of an org's rows: equal fingerprints mean
    /// nothing of the org changed.
    public static func fingerprint(_ connection: Connection, orgID: Int64) throws -> [String: String] {
        var result: [String: String] = [:]
        for table in try self.relations(connection) {
            result[table] = try connection.query(Query(unescaped: """
                SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') AS print
                FROM \(table) t WHERE org_id = $1
                """, bindings: [.init(text: String(orgID), type: .int8)])).rows[0].decode("print")
        }
        return result
    }
}

/// Runs the nightly scheduler once, as of 2026-11-21 12:00 UTC, over every org created on
/// 2026-11-20: nights 2026-11-19 and 2026-11-20, each re-computing `trailingDays` days, so
/// every KPI table gets rows through the application and scheduler roles.
public enum ScheduledNights {
    /// - Throws: when a night fails or fewer than `expected` nights succeed.
    public static func run(_ database: TestDatabase, expected: Int, trailingDays: Int = 20) throws {
        let pool = ConnectionPool(configuration: ConnectionConfiguration(conninfo: database.url), maximumConnections: 3,
                                  logger: TestCluster.logger)
        defer { pool.shutdown() }
        var configuration = SchedulerConfiguration()
        configuration.once = true
        configuration.trailingDays = trailingDays
        let summary = NightScheduler(pool: pool, configuration: configuration,
                                     clock: AcceleratedClock(start: TimestampFormat.date("2026-11-21T12:00:00Z", strictRFC3339: true)!),
                                     logger: TestCluster.logger).run()
        guard summary.succeeded == expected, summary.failures.isEmpty else {
            throw SalesOpsError.invalidInput("scheduled nights: \(summary.succeeded) succeeded, failures \(summary.failures)")
        }
    }
}
