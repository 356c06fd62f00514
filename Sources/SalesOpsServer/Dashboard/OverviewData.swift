import Foundation
import PostgresClient
import SalesOps

/// The org as pages present it.
struct OrgFacts: Sendable {
    var slug: String
    var name: String
    var currency: String
    var fiscalYearStartMonth: Int

    static func load(_ session: TenantSession) throws -> OrgFacts {
        let row = try session.connection.query("""
            SELECT slug, name, currency, fiscal_year_start_month FROM salesops.orgs WHERE id = \(session.orgID)
            """).rows[0]
        return OrgFacts(slug: try row.decode("slug"), name: try row.decode("name"), currency: try row.decode("currency"),
                        fiscalYearStartMonth: try row.decode("fiscal_year_start_month"))
    }
}

/// A scope the viewer can pick: the org, a team of the tree (indented by depth), a rep.
struct ScopeOption: Sendable {
    var scope: TargetScope
    var name: String
    var depth: Int
}

/// Everything the overview page shows, read through the same `KPIReader` calls the API makes.
struct OverviewData: Sendable {
    var org: OrgFacts
    var viewer: Viewer
    var period: ShownPeriod
    var scope: TargetScope
    var scopes: [ScopeOption]
    var cards: [MetricReading]
    /// Each headline metric's last 12 periods (this one last).
    var trends: [String: [SeriesPoint]]
    var lastRun: (night: LocalDate, status: String, finishedAt: Date?)?
    var leaderboardMetric: String
    var leaderboardKind: ScopeKind
    var leaderboard: [LeaderboardEntry]
    var stages: [StageReading]
    /// Each pipeline's stage names in position order (the funnel's order).
    var stageOrder: [String: [String]]
    var breakdowns: [BreakdownReading]

    /// The cards of the overview, in order.
    static let headline = ["revenue", "deals_won", "win_rate", "average_deal_size", "sales_cycle_days", "open_pipeline_amount",
                           "new_leads", "new_customers"]
    /// Periods a trend shows.
    static let trendLength = 12

    /// What the query asks for; defaults: the latest materialized month, the org, revenue by rep.
    struct Selection: Sendable {
        var period: String?
        var scope: TargetScope
        var metric: String
        var by: ScopeKind
    }

    static func load(_ session: TenantSession, viewer: Viewer, selection: Selection) throws -> OverviewData {
        let org = try OrgFacts.load(session)
        let reader = KPIReader(session: session)
        let label = try selection.period ?? Self.latestMonth(session, org: org)
        let (period, readings) = try reader.read(period: label, scope: selection.scope, metrics: Self.headline)
        let cards = Self.headline.compactMap { metric in readings.first { $0.metric == metric } }
        let first = PeriodLabel.of(kind: period.kind,
                                   start: (1..<Self.trendLength).reduce(period.start) { start, _ in
                                       PeriodLabel.previousStart(kind: period.kind, start: start)
                                   }, fiscalYearStartMonth: org.fiscalYearStartMonth)
        let trends = try reader.series(metrics: Self.headline, from: first, to: label, scope: selection.scope)
        let run = try session.connection.query("""
            SELECT night, status, finished_at FROM salesops.scheduler_runs ORDER BY night DESC, started_at DESC LIMIT 1
            """).singleRow()
        return OverviewData(
            org: org, viewer: viewer, period: period, scope: selection.scope, scopes: try Self.scopes(session),
            cards: cards, trends: trends,
            lastRun: try run.map { (try $0.decode("night"), try $0.decode("status"), try $0.decode("finished_at")) },
            leaderboardMetric: selection.metric, leaderboardKind: selection.by,
            leaderboard: try reader.leaderboard(period: period, metric: selection.metric, of: selection.by, limit: 25,
                                                within: selection.scope),
            stages: try reader.stageMetrics(period: period),
            stageOrder: Dictionary(grouping: try PipelineRepository(session: session).list().flatMap(\.stages), by: \.pipeline)
                .mapValues { $0.sorted { $0.position < $1.position }.map(\.name) },
            breakdowns: try reader.breakdowns(period: period, scope: selection.scope, dimension: nil))
    }

    /// The label of the latest materialized month, or a 404 when nothing is materialized.
    static func latestMonth(_ session: TenantSession, org: OrgFacts) throws -> String {
        guard let row = try session.connection.query("""
            SELECT period_start FROM kpi.materialized_periods WHERE period_kind = 'month' ORDER BY period_start DESC LIMIT 1
            """).singleRow() else {
            throw SalesOpsError.notFound("no period has been materialized yet; the nightly run or 'salesctl kpi materialize' makes them")
        }
        return PeriodLabel.of(kind: "month", start: try row.decode("period_start"), fiscalYearStartMonth: org.fiscalYearStartMonth)
    }

    /// The org, its team tree depth-first, and its reps.
    static func scopes(_ session: TenantSession) throws -> [ScopeOption] {
        let teams = try TeamRepository(session: session).list()
        let children = Dictionary(grouping: teams, by: \.parentExternalID)
        var options = [ScopeOption(scope: .org, name: "Whole org", depth: 0)]
        func visit(_ parent: String?, depth: Int) {
            for team in (children[parent] ?? []).sorted(by: { $0.name < $1.name }) {
                options.append(ScopeOption(scope: .team(team.externalID), name: team.name, depth: depth))
                visit(team.externalID, depth: depth + 1)
            }
        }
        visit(nil, depth: 1)
        options += try RepRepository(session: session).list().sorted { $0.name < $1.name }
            .map { ScopeOption(scope: .rep($0.externalID), name: $0.name, depth: 1) }
        return options
    }
}
