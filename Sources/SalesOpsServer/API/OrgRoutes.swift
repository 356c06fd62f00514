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

    private struct CatalogueBody: Encodable {
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
                let org = try TenantOrgRecords(session: session).org()
                return OrgBody(slug: org.slug, name: org.name, timezone: org.timezone, currency: org.currency,
                               fiscalYearStartMonth: org.fiscalYearStartMonth)
            }
            return try JSONBody.response(org)
        }
        table.add(.get, "/v1/catalogue") { request, _ in
            let entries = try await self.access.inOrg(request) { session in
                try TenantOrgRecords(session: session).catalogueEntries().map { entry in
                    CatalogueBody(name: entry.name, aggregation: entry.aggregation, lowerIsBetter: entry.lowerIsBetter,
                                  materialized: entry.materialized)
                }
            }
            return try JSONBody.response(["metrics": entries])
        }
        table.add(.get, "/v1/scheduler/runs") { request, _ in
            let limit = try QueryParameters(request: request).integer("limit", default: 30, range: 1...500)
            let runs = try await self.access.inOrg(request) { session in
                try TenantOrgRecords(session: session).nightRuns(limit: limit).map { run in
                    RunBody(night: run.night, status: run.status, attempts: run.attempts, startedAt: run.startedAt,
                            finishedAt: run.finishedAt, rowsWritten: run.rowsWritten, nextAttemptAt: run.nextAttemptAt)
                }
            }
            return try JSONBody.response(["runs": runs])
        }
    }
}
