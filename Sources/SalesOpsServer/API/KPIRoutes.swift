import Crypto
import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// KPI reads: a period's metrics, a metric's series, stage metrics, breakdowns and the
/// leaderboard. Their `ETag` names the org's read version (raised by every materialization
/// and every change a read reflects) and the request, so a matching `If-None-Match` is
/// answered 304 from the token check's statement alone, without the read. Explain reads the
/// raw records as well: its tag is a digest of its body.
struct KPIRoutes {
    let access: TenantAccess

    private struct SeriesPage: Encodable {
        var metric: String
        var scope: String
        var points: [SeriesPoint]
    }

    private struct StagePage: Encodable {
        var period: ShownPeriod
        var stages: [StageReading]
    }

    private struct BreakdownPage: Encodable {
        var scope: String
        var period: ShownPeriod
        var breakdowns: [BreakdownReading]
    }

    private struct LeaderboardPage: Encodable {
        var metric: String
        var by: String
        var period: ShownPeriod
        var entries: [LeaderboardEntry]
    }

    func register(on table: inout RouteTable) {
        table.add(.get, "/v1/kpis") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(), scope = try query.scope(), metrics = try query.all("metric")
            return Self.respondWritten(try await self.access.conditionalRead(request, validator: Self.validator(request)) { session in
                let (shown, readings) = try KPIReader(session: session).readNumericText(period: period, scope: scope, metrics: metrics)
                return KPIPageJSON.write(scope: scope.label, period: shown, metrics: readings)
            })
        }
        table.add(.get, "/v1/kpis/series") { request, _ in
            let query = QueryParameters(request: request)
            let metric = try query.required("metric"), scope = try query.scope()
            let from = try query.period("from"), to = try query.period("to")
            return try Self.respond(try await self.access.conditionalRead(request, validator: Self.validator(request)) { session in
                SeriesPage(metric: metric, scope: scope.label,
                           points: try KPIReader(session: session).series(metric: metric, from: from, to: to, scope: scope))
            })
        }
        table.add(.get, "/v1/kpis/explain") { request, _ in
            let explanation = try await self.access.inOrg(request) { session in
                try KPIExplainer(session: session).explain(try Self.explainRequest(QueryParameters(request: request)))
            }
            return try Self.cacheable(explanation, modified: explanation.period.computedAt, request: request)
        }
        table.add(.get, "/v1/stage-metrics") { request, _ in
            let period = try QueryParameters(request: request).period()
            return try Self.respond(try await self.access.conditionalRead(request, validator: Self.validator(request)) { session in
                let reader = KPIReader(session: session)
                let shown = try reader.materializedPeriod(period)
                return StagePage(period: shown, stages: try reader.stageMetrics(period: shown))
            })
        }
        table.add(.get, "/v1/breakdowns") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(), scope = try query.scope(), dimension = try query.optional("dimension")
            return try Self.respond(try await self.access.conditionalRead(request, validator: Self.validator(request)) { session in
                let reader = KPIReader(session: session)
                let shown = try reader.materializedPeriod(period)
                return BreakdownPage(scope: scope.label, period: shown,
                                     breakdowns: try reader.breakdowns(period: shown, scope: scope, dimension: dimension))
            })
        }
        table.add(.get, "/v1/leaderboard") { request, _ in
            let query = QueryParameters(request: request)
            let period = try query.period(), metric = try query.required("metric")
            let by = try query.optional("by") ?? "rep"
            guard let kind = ScopeKind(rawValue: by), kind != .org else {
                throw Problem(.badRequest, "query parameter 'by' must be rep or team")
            }
            let limit = try query.integer("limit", default: 50, range: 1...500)
            return try Self.respond(try await self.access.conditionalRead(request, validator: Self.validator(request)) { session in
                let reader = KPIReader(session: session)
                let shown = try reader.materializedPeriod(period)
                return LeaderboardPage(metric: metric, by: by, period: shown,
                                       entries: try reader.leaderboard(period: shown, metric: metric, of: kind, limit: limit))
            })
        }
    }

    /// The explain request a query names (`period`, `scope`, `metric`, and `stage`, or
    /// `dimension` and `key`, `limit`, `offset`).
    static func explainRequest(_ query: QueryParameters) throws -> ExplainRequest {
        ExplainRequest(period: try query.period(), scope: try query.scope(), metric: try query.required("metric"),
                       stage: try query.optional("stage", maximumLength: 401), dimension: try query.optional("dimension"),
                       key: try query.optional("key"),
                       limit: try query.integer("limit", default: 50, range: 1...ExplainRequest.maximumLimit),
                       offset: try query.integer("offset", default: 0, range: 0...ExplainRequest.maximumOffset))
    }

    /// What tells one representation of the KPI reads from the next: the catalogue's
    /// materialized metrics (a deployment that changes them changes every answer).
    static let representation: String = {
        let digest = SHA256.hash(data: Data(("kpi-reads-1|" + MetricCatalogue.standard.materializedMetrics.joined(separator: ",")).utf8))
        return HexText.encode(digest.prefix(6))
    }()

    /// The entity tag of a KPI read request at an org read version: the version, and a digest
    /// of the representation, the org and the request's path and query.
    static func validator(_ request: Request) -> @Sendable (ReadVersion) -> String {
        let target = Self.representation + "|" + request.uri.path + "?" + (request.uri.query ?? "")
        return { version in
            let digest = HexText.encode(SHA256.hash(data: Data("\(version.orgID)|\(target)".utf8)).prefix(8))
            return "\"r\(version.version)-\(digest)\""
        }
    }

    /// The response to a conditional read whose body is JSON text already written.
    static func respondWritten(_ outcome: ConditionalRead<[UInt8]>) -> Response {
        switch outcome {
        case .notModified(let tag, let changedAt):
            return Response(status: .notModified, headers: Self.validatorHeaders(tag: tag, changedAt: changedAt))
        case .fresh(let body, let tag, let changedAt):
            var headers = Self.validatorHeaders(tag: tag, changedAt: changedAt)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The response to a conditional read: 304 with the validators, or the JSON body with them.
    static func respond(_ outcome: ConditionalRead<some Encodable & Sendable>) throws -> Response {
        switch outcome {
        case .notModified(let tag, let changedAt):
            return Self.respondWritten(.notModified(tag: tag, changedAt: changedAt))
        case .fresh(let value, let tag, let changedAt):
            return Self.respondWritten(.fresh([UInt8](try JSONBody.encoder.encode(value)), tag: tag, changedAt: changedAt))
        }
    }

    static func validatorHeaders(tag: String, changedAt: Date) -> HTTPFields {
        var headers: HTTPFields = [.eTag: tag, .cacheControl: "private, no-cache"]
        if changedAt > .distantPast { headers[.lastModified] = HTTPDate.format(changedAt) }
        return headers
    }

    /// A JSON response with a strong `ETag` of its body (and `Last-Modified` when known), or
    /// 304 when the client's `If-None-Match` names that tag.
    static func cacheable(_ value: some Encodable, modified: Date?, request: Request) throws -> Response {
        let body = try JSONBody.encoder.encode(value)
        let tag = "\"" + HexText.encode(SHA256.hash(data: body).prefix(16)) + "\""
        var headers: HTTPFields = [.eTag: tag, .cacheControl: "private, no-cache"]
        if let modified { headers[.lastModified] = HTTPDate.format(modified) }
        if let match = request.headers[.ifNoneMatch], EntityTag.list(match, matches: tag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// HTTP dates (RFC 9110 IMF-fixdate).
enum HTTPDate {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 9110's IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the second the date falls in,
    /// computed from the Unix time on the civil calendar (no formatter: a `DateFormatter` per response cost more
    /// than the read it labels).
    static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let civil = LocalDate(dayNumber: Int(days))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(civil.year)
        return "\(Self.days[civil.isoWeekday % 7]), \(two(civil.day)) \(Self.months[civil.month - 1]) "
            + String(repeating: "0", count: max(0, 4 - year.count)) + year
            + " \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}
