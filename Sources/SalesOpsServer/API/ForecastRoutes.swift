import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// Forecasts (SPEC §10): where a period's revenue will land, as of a day inside it.
struct ForecastRoutes {
    let access: TenantAccess

    func register(on table: inout RouteTable) {
        table.add(.get, "/v1/forecast") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(allowingDays: false), scope = try query.scope()
            let asOf = try query.optional("as_of", maximumLength: 10).map { text in
                guard let day = LocalDate(text) else {
                    throw Problem(.badRequest, "query parameter 'as_of' must be a date such as 2026-11-15")
                }
                return day
            }
            let forecast = try await self.access.inOrg(request) { session in
                try ForecastEngine(session: session).forecast(period: period, scope: scope, asOf: asOf)
            }
            return try JSONBody.response(forecast)
        }
    }
}
