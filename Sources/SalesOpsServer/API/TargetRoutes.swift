import Foundation
import Hummingbird
import SalesOps

/// Targets: readers list them; admins set and delete them.
struct TargetRoutes {
    let access: TenantAccess

    private struct TargetInput: Decodable {
        var scope: String?
        var metric: String
        var period: String
        var value: Decimal
    }

    func register(on table: inout RouteTable) {
        table.add(.get, "/v1/targets") { request, _ in
            let query = QueryParameters(request: request)
            let scope = try query.optional("scope").map { _ in try query.scope() }
            let targets = try await self.access.inOrg(request) { session in
                try TargetRepository(session: session).list(scope: scope)
            }
            return try JSONBody.response(["targets": targets])
        }
        table.add(.put, "/v1/targets") { request, context in
            let input = try await JSONBody.decode(TargetInput.self, from: request, context: context)
            guard let scope = TargetScope(label: input.scope ?? "org") else {
                throw Problem(.badRequest, "field 'scope' must be org, team:EXTERNAL_ID or rep:EXTERNAL_ID")
            }
            guard PeriodLabel.isWellFormed(input.period, allowingDays: false) else {
                throw Problem(.badRequest, "field 'period' must be 2026, 2026-Q3, 2026-11 or 2026-W47")
            }
            let target = try await self.access.inOrg(request, role: .admin) { session in
                try TargetRepository(session: session).set(scope: scope, metric: input.metric, period: input.period, value: input.value)
            }
            return try JSONBody.response(target)
        }
        table.add(.delete, "/v1/targets") { request, _ in
            let query = QueryParameters(request: request)
            let scope = try query.scope(), metric = try query.required("metric")
            let period = try query.period(allowingDays: false)
            try await self.access.inOrg(request, role: .admin) { session in
                try TargetRepository(session: session).delete(scope: scope, metric: metric, period: period)
            }
            return Response(status: .noContent)
        }
    }
}
