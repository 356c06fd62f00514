import Foundation
import HTTPTypes
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Every read route answers with what the read views hold for the token's org.
@Suite("Read routes answer with the org's materialized data")
struct ReadRouteTests {
    let fixture = APIFixture.shared

    func count(_ sql: String) throws -> Int {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        return try connection.query(Query(unescaped: sql, bindings: [.init(text: String(self.fixture.orgA.id), type: .int8)])).rows[0].decode("n")
    }

    func number(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }

    @Test("GET /v1/kpis returns the period's metrics with target, attainment and pace as kpi.metric_values and kpi.target_attainment hold them")
    func kpis() async throws {
        let response = try await self.fixture.request(.get, "/v1/kpis?period=2026-11", token: self.fixture.readerA)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        let period = try #require(response.object["period"] as? [String: Any])
        #expect(period["kind"] as? String == "month" && period["start"] as? String == "2026-11-01" && period["as_of"] as? String == "2026-11-20")
        let metrics = try #require(response.object["metrics"] as? [[String: Any]])
        let revenue = try #require(metrics.first { $0["metric"] as? String == "revenue" })
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let stored = try connection.query("""
            SELECT v.value, a.target, a.attainment_pct FROM kpi.metric_values v
            LEFT JOIN kpi.target_attainment a ON a.org_id = v.org_id AND a.period_kind = v.period_kind
                 AND a.period_start = v.period_start AND a.scope_kind = 'org' AND a.metric = v.metric
            WHERE v.org_id = \(self.fixture.orgA.id) AND v.period_kind = 'month' AND v.period_start = '2026-11-01'
              AND v.scope_kind = 'org' AND v.metric = 'revenue'
            """).rows[0]
        #expect(self.number(revenue["value"]) == (try stored.decode("value", as: Decimal.self)))
        #expect(self.number(revenue["target"]) == (try stored.decode("target", as: Decimal.self)))
        let attainment = try stored.decode("attainment_pct", as: Decimal.self)
        #expect(abs(NSDecimalNumber(decimal: self.number(revenue["attainment_pct"])! - attainment).doubleValue) < 1e-9)
        #expect(revenue["pace_pct"] != nil)
    }

    @Test("KPI reads carry ETag and Last-Modified and answer a matching If-None-Match with 304")
    func conditionalReads() async throws {
        let reader = try self.fixture.makeOwnOrg().reader  // an org no concurrent test changes
        for uri in ["/v1/kpis?period=2026-11", "/v1/stage-metrics?period=2026-11", "/v1/breakdowns?period=2026-11",
                    "/v1/leaderboard?period=2026-11&metric=revenue", "/v1/kpis/series?metric=revenue&from=2026-11-01&to=2026-11-05"] {
            let first = try await self.fixture.request(.get, uri, token: reader)
            #expect(first.status == .ok, "\(uri)")
            let tag = try #require(first.headers[.eTag], "\(uri)")
            if !uri.contains("series") { #expect(first.headers[.lastModified]?.hasSuffix("GMT") == true, "\(uri)") }
            let again = try await self.fixture.request(.get, uri, token: reader, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified, "\(uri)")
            #expect(again.body.isEmpty)
            let other = try await self.fixture.request(.get, uri, token: reader, headers: [.ifNoneMatch: "\"stale\""])
            #expect(other.status == .ok, "\(uri)")
        }
    }

    @Test("bad periods, scopes and metrics are 400; unknown scopes and periods not materialized are 404")
    func kpiErrors() async throws {
        let cases: [(String, HTTPResponse.Status)] = [
            ("/v1/kpis", .badRequest), ("/v1/kpis?period=2026-13", .badRequest), ("/v1/kpis?period=soon", .badRequest),
            ("/v1/kpis?period=2026-11&scope=galaxy", .badRequest),
            // Found by schemathesis: year 0000 is not on PostgreSQL's calendar.
            ("/v1/kpis?period=0000", .badRequest), ("/v1/kpis?period=0000-01-01", .badRequest),
            ("/v1/kpis/series?metric=leads&from=0000-Q1&to=0000-Q2", .badRequest),
            ("/v1/kpis?period=2026-02-30", .badRequest),
            ("/v1/kpis?period=2026-09&metric=%00", .badRequest), ("/v1/kpis?period=2026-11&scope=rep:a%00b", .badRequest), ("/v1/kpis?period=2026-11&metric=nope", .badRequest),
            ("/v1/kpis?period=2025-01", .notFound), ("/v1/kpis?period=2026-11&scope=team:nope", .notFound),
            ("/v1/kpis/series?metric=revenue&from=2026-11&to=2026-11-05", .badRequest),
            ("/v1/kpis/series?metric=revenue&from=2026-11-05&to=2026-11-01", .badRequest),
            ("/v1/leaderboard?period=2026-11&metric=revenue&by=org", .badRequest),
            ("/v1/leaderboard?period=2026-11&metric=revenue&limit=0", .badRequest),
            ("/v1/scheduler/runs?limit=abc", .badRequest),
        ]
        for (uri, status) in cases {
            let response = try await self.fixture.request(.get, uri, token: self.fixture.readerA)
            #expect(response.status == status, "\(uri): \(response.body)")
            #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
            #expect(!response.body.contains("SELECT") && !response.body.contains("salesops."), "\(uri) leaks SQL: \(response.body)")
            // Messages speak to tenants: never an operator command.
            #expect(!response.body.contains("salesctl"), "\(uri) names an operator command: \(response.body)")
        }
        let notComputed = try await self.fixture.request(.get, "/v1/kpis?period=2025-01", token: self.fixture.readerA)
        let detail = notComputed.object["detail"] as? String ?? ""
        #expect(detail.hasPrefix("period 2025-01 has not been computed yet: the nightly run computes each day after it ends in the org's time zone (")
                && detail.hasSuffix("This org's nightly runs: GET /v1/scheduler/runs"), "\(detail)")
        let typo = try await self.fixture.request(.get, "/v1/kpis?period=2026-11&metric=revenu", token: self.fixture.readerA)
        #expect((typo.object["detail"] as? String)?.contains("did you mean 'revenue'? (GET /v1/catalogue lists the metrics)") == true, "\(typo.body)")
        let team = try await self.fixture.request(.get, "/v1/kpis?period=2026-11&scope=team:dac", token: self.fixture.readerA)
        #expect(team.status == .notFound && (team.object["detail"] as? String)?.contains("did you mean 'dach'?") == true, "\(team.body)")
    }

    @Test("series, stage metrics, breakdowns and leaderboard return what the views hold")
    func otherReads() async throws {
        let series = try await self.fixture.request(.get, "/v1/kpis/series?metric=deals_won&from=2026-11-01&to=2026-11-20&scope=team:dach",
                                                    token: self.fixture.readerA)
        #expect((series.object["points"] as? [Any])?.count == 20)
        let stages = try await self.fixture.request(.get, "/v1/stage-metrics?period=2026-11", token: self.fixture.readerA)
        #expect((stages.object["stages"] as? [Any])?.count == (try self.count("""
            SELECT count(*) AS n FROM kpi.stage_metrics WHERE org_id = $1 AND period_kind = 'month' AND period_start = '2026-11-01'
            """)))
        let breakdowns = try await self.fixture.request(.get, "/v1/breakdowns?period=2026-11&dimension=region", token: self.fixture.readerA)
        let expected = try self.count("""
            SELECT count(*) AS n FROM kpi.breakdowns WHERE org_id = $1 AND period_kind = 'month' AND period_start = '2026-11-01'
              AND scope_kind = 'org' AND dimension = 'region'
            """)
        #expect(expected > 0)
        #expect((breakdowns.object["breakdowns"] as? [Any])?.count == expected)
        let board = try await self.fixture.request(.get, "/v1/leaderboard?period=2026-11&metric=revenue&by=rep", token: self.fixture.readerA)
        let entries = try #require(board.object["entries"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        #expect(entries.map { $0["rank"] as? Int } == Array(1...entries.count).map { $0 })
        let attainments = entries.compactMap { self.number($0["attainment_pct"]) }
        #expect(attainments == attainments.sorted(by: >))
    }

    @Test("org, catalogue, targets, teams, reps and scheduler runs list the org's rows")
    func listings() async throws {
        let org = try await self.fixture.request(.get, "/v1/org", token: self.fixture.readerA)
        #expect(org.object["slug"] as? String == self.fixture.orgA.slug)
        let catalogue = try await self.fixture.request(.get, "/v1/catalogue", token: self.fixture.readerA)
        #expect((catalogue.object["metrics"] as? [Any])?.count == (try self.count("SELECT count(*) AS n FROM salesops.metrics WHERE $1::bigint > 0")))
        let teams = try await self.fixture.request(.get, "/v1/teams", token: self.fixture.readerA)
        #expect((teams.object["teams"] as? [Any])?.count == (try self.count("SELECT count(*) AS n FROM salesops.teams WHERE org_id = $1")))
        let reps = try await self.fixture.request(.get, "/v1/reps", token: self.fixture.readerA)
        #expect((reps.object["reps"] as? [Any])?.count == (try self.count("SELECT count(*) AS n FROM salesops.reps WHERE org_id = $1")))
        let targets = try await self.fixture.request(.get, "/v1/targets?scope=rep:r-anna", token: self.fixture.readerA)
        #expect((targets.object["targets"] as? [[String: Any]])?.first?["metric"] as? String == "revenue")
        let runs = try await self.fixture.request(.get, "/v1/scheduler/runs", token: self.fixture.readerA)
        let nights = (runs.object["runs"] as? [[String: Any]])?.compactMap { $0["night"] as? String }
        #expect(nights == ["2026-11-20", "2026-11-19"])
    }

    @Test("GET /v1/forecast returns the engine's forecast of the token's org; bad input is 400, unknown scopes 404")
    func forecast() async throws {
        let response = try await self.fixture.request(.get, "/v1/forecast?period=2026-11&as_of=2026-11-15&scope=team:dach",
                                                      token: self.fixture.readerA)
        #expect(response.status == .ok)
        #expect(response.object["as_of"] as? String == "2026-11-15" && response.object["scope"] as? String == "team:dach")
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let expected = try connection.withTenant(self.fixture.orgA.id) { session in
            try ForecastEngine(session: session).forecast(period: "2026-11", scope: .team("dach"), asOf: LocalDate("2026-11-15")!)
        }
        // Every digit as the engine has it (the body's keys are sorted, numbers written exactly).
        #expect(response.body.contains("\"value\":\(expected.value),"), "\(response.body)")
        #expect(response.body.contains("\"won_to_date\":{\"amount\":\(expected.wonToDate.amount),\"deals\":\(expected.wonToDate.deals)}"))
        for (uri, status) in [("/v1/forecast?period=2026-11-05", HTTPResponse.Status.badRequest), ("/v1/forecast?period=0001-Q1", .badRequest),
                              ("/v1/forecast?period=2026-11&as_of=2026-12-01", .badRequest),
                              ("/v1/forecast?period=2026-11&as_of=soon", .badRequest),
                              ("/v1/forecast?period=2026-11&scope=rep:nobody", .notFound)] {
            #expect(try await self.fixture.request(.get, uri, token: self.fixture.readerA).status == status, "\(uri)")
        }
    }
}
