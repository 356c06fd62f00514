import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// Forecasts and quota plans (SPEC §10): where a period's revenue will land, what the forecast
/// said night by night, and a draft of next period's quotas.
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
        table.add(.get, "/v1/forecast/history") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(allowingDays: false), scope = try query.scope()
            let history = try await self.access.inOrg(request) { session in
                try ForecastEngine(session: session).history(period: period, scope: scope)
            }
            return try JSONBody.response(ForecastHistoryBody(period: period, scope: scope.label, forecasts: history))
        }
        table.add(.get, "/v1/plan/quotas") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(allowingDays: false), scope = try query.scope()
            let total = try Self.decimal(query, "total")
            let plan = try await self.access.inOrg(request) { session in
                try ForecastEngine(session: session).planQuotas(period: period, scope: scope, total: total)
            }
            return try JSONBody.response(plan)
        }
    }

    /// A decimal query parameter when it is there.
    static func decimal(_ query: QueryParameters, _ name: String) throws -> Decimal? {
        try query.optional(name, maximumLength: 24).map { text in
            guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.filter({ $0 == "." }).count <= 1,
                  text.first?.isNumber == true, let value = Decimal(string: text) else {
                throw Problem(.badRequest, "query parameter '\(name)' must be a number such as 0.5 or 250000")
            }
            return value
        }
    }
}

/// The stored forecasts of one period and scope.
private struct ForecastHistoryBody: Encodable, Sendable {
    var period: String
    var scope: String
    var forecasts: [StoredForecast]
}
