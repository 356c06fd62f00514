import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// Forecasts and quota plans (SPEC §10): where a period's revenue will land, how the model
/// did on past periods, what the forecast said night by night, and next period's quotas.
struct ForecastRoutes {
    let access: TenantAccess

    /// A plan to apply: the same inputs `GET /v1/plan/quotas` takes, and whether other targets
    /// of the period may be replaced.
    private struct PlanInput: Decodable {
        var period: String
        var scope: String?
        var total: Decimal?
        var replace: Bool?
    }

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
        table.add(.get, "/v1/forecast/backtest") { request, _ in
            // Read once the token is checked: `from` and `to` take period labels where the KPI
            // routes take days, and an anonymous request is 401 whatever its parameters.
            let backtest = try await self.access.inOrg(request) { session in
                let query = QueryParameters(request: request)
                let kind = try query.required("period_kind")
                let from = try query.optionalPeriod("from", allowingDays: false), to = try query.optionalPeriod("to", allowingDays: false)
                let fraction = try Self.decimal(query, "at_fraction") ?? Decimal(string: "0.5")!
                return try ForecastEngine(session: session).backtest(kind: kind, from: from, to: to, atFraction: fraction,
                                                                     scope: try query.scope())
            }
            return try JSONBody.response(backtest)
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
        table.add(.post, "/v1/plan/quotas/apply") { request, context in
            let input = try await JSONBody.decode(PlanInput.self, from: request, context: context)
            guard let scope = TargetScope(label: input.scope ?? "org") else {
                throw Problem(.badRequest, "field 'scope' must be org or team:EXTERNAL_ID")
            }
            guard PeriodLabel.isWellFormed(input.period, allowingDays: false) else {
                throw Problem(.badRequest, "field 'period' must be 2026, 2026-Q3, 2026-11 or 2026-W47")
            }
            let applied = try await self.access.inOrg(request, role: .admin) { session in
                let engine = ForecastEngine(session: session)
                let plan = try engine.planQuotas(period: input.period, scope: scope, total: input.total)
                return AppliedPlan(plan: plan, targetsWritten: try engine.apply(plan, replace: input.replace ?? false))
            }
            return try JSONBody.response(applied)
        }
    }

    /// A decimal query parameter when it is there.
    static func decimal(_ query: QueryParameters, _ name: String) throws -> Decimal? {
        try query.optional(name, maximumLength: 24).map { text in
            guard let value = DecimalText.parse(text) else {
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

/// What `POST /v1/plan/quotas/apply` did.
private struct AppliedPlan: Encodable, Sendable {
    var plan: QuotaPlan
    var targetsWritten: Int
}
