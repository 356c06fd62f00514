import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// The token's org, the metric catalogue and the org's scheduler runs.
struct OrgRoutes {
    let access: TenantAccess

    private struct OrgBody: Encodable {
        var slug: String
        var name: String
        var timezone: String
        var currency: String
        var fiscalYearStartMonth: Int
    }

    private struct CatalogueEntry: Encodable {
        var name: String
        var aggregation: String
        var lowerIsBetter: Bool
        var materialized: Bool
    }

    private struct RunBody: Encodable {
        var night: LocalDate
        var status: String
        var attempts: Int
        var startedAt: Date
        var finishedAt: Date?
        var rowsWritten: Int64?
        var nextAttemptAt: Date?
    }

    func register(on table: inout RouteTable) {
        table.add(.get, "/v1/org") { request, _ in
            let org = try await self.access.inOrg(request) { session in
                let row = try session.connection.query("""
                    SELECT slug, name, timezone, currency, fiscal_year_start_month FROM salesops.orgs WHERE id = \(session.orgID)
                    """).rows[0]
                return OrgBody(slug: try row.decode("slug"), name: try row.decode("name"), timezone: try row.decode("timezone"),
                               currency: try row.decode("currency"),
                               fiscalYearStartMonth: try row.decode("fiscal_year_start_month"))
            }
            return try JSONBody.response(org)
        }
        table.add(.get, "/v1/catalogue") { request, _ in
            let entries = try await self.access.inOrg(request) { session in
                try session.connection.query("""
                    SELECT name, aggregation, lower_is_better, name = ANY(\(MetricCatalogue.standard.materializedMetrics)::text[]) AS materialized
                    FROM salesops.metrics ORDER BY name
                    """).rows.map { row in
                    CatalogueEntry(name: try row.decode("name"), aggregation: try row.decode("aggregation"),
                                   lowerIsBetter: try row.decode("lower_is_better"), materialized: try row.decode("materialized"))
                }
            }
            return try JSONBody.response(["metrics": entries])
        }
        table.add(.get, "/v1/scheduler/runs") { request, _ in
            let limit = try QueryParameters(request: request).integer("limit", default: 30, range: 1...500)
            let runs = try await self.access.inOrg(request) { session in
                try session.connection.query("""
                    SELECT night, status, attempts, started_at, finished_at, rows_written, next_attempt_at
                    FROM salesops.scheduler_runs ORDER BY night DESC LIMIT \(limit)
                    """).rows.map { row in
                    RunBody(night: try row.decode("night"), status: try row.decode("status"), attempts: try row.decode("attempts"),
                            startedAt: try row.decode("started_at"), finishedAt: try row.decode("finished_at"),
                            rowsWritten: try row.decode("rows_written"), nextAttemptAt: try row.decode("next_attempt_at"))
                }
            }
            return try JSONBody.response(["runs": runs])
        }
    }
}
