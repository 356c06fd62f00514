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
        let org = try TenantOrgRecords(session: session).org()
        return OrgFacts(slug: org.slug, name: org.name, currency: org.currency, fiscalYearStartMonth: org.fiscalYearStartMonth)
    }
}

/// A scope the viewer can pick: the org, a team of the tree (indented by depth), a rep.
struct ScopeOption: Sendable {
    var scope: TargetScope
    var name: String
    var depth: Int
}

/// The dashboard's pages, one tab each; each shows the same period and scope.
enum DashboardTab: String, Sendable, CaseIterable {
    case overview, leaderboard, funnel, breakdowns, forecast, plan

    var path: String { "/dashboard/" + self.rawValue }
    var title: String {
        switch self {
        case .overview: "Overview"
        case .leaderboard: "Leaderboard"
        case .funnel: "Stage funnel"
        case .breakdowns: "Breakdowns"
        case .forecast: "Forecast"
        case .plan: "Plan"
        }
    }
}

/// What every page shows around its content: the org, the period and scope with their
/// pickers, the tabs, and how fresh the data is.
struct DashboardFrame: Sendable {
    var org: OrgFacts
    var viewer: Viewer
    var tab: DashboardTab
    var period: ShownPeriod
    var scope: TargetScope
    var scopes: [ScopeOption]
    var lastRun: LastRun?
    /// Query parameters of the page beyond period and scope (kept when the period or scope changes).
    var extra: [(String, String?)] = []

    struct LastRun: Sendable {
        var night: LocalDate
        var status: String
        var finishedAt: Date?
    }

    /// Reads the frame; the period defaults to the latest materialized month.
    static func load(_ session: TenantSession, viewer: Viewer, tab: DashboardTab, period label: String?,
                     scope: TargetScope) throws -> DashboardFrame {
        let org = try OrgFacts.load(session)
        let reader = KPIReader(session: session)
        let period = try reader.materializedPeriod(try label ?? Self.latestMonth(session, org: org))
        _ = try reader.scopeID(of: scope)
        let run = try TenantOrgRecords(session: session).nightRuns(limit: 1).first
        return DashboardFrame(org: org, viewer: viewer, tab: tab, period: period, scope: scope, scopes: try Self.scopes(session),
                              lastRun: run.map { LastRun(night: $0.night, status: $0.status, finishedAt: $0.finishedAt) })
    }

    /// The label of the latest materialized month, or a 404 when nothing is materialized.
    static func latestMonth(_ session: TenantSession, org: OrgFacts) throws -> String {
        guard let start = try TenantOrgRecords(session: session).latestMaterializedMonth() else {
            throw try KPIReader(session: session).notMaterialized(nil)
        }
        return PeriodLabel.of(kind: "month", start: start, fiscalYearStartMonth: org.fiscalYearStartMonth)
    }

    /// The org, its team tree depth-first, and its reps.
    static func scopes(_ session: TenantSession) throws -> [ScopeOption] {
        var options = [ScopeOption(scope: .org, name: "Whole org", depth: 0)]
        options += try TeamRepository(session: session).tree()
            .map { ScopeOption(scope: .team($0.team.externalID), name: $0.team.name, depth: $0.depth + 1) }
        options += try RepRepository(session: session).list().sorted { $0.name < $1.name }
            .map { ScopeOption(scope: .rep($0.externalID), name: $0.name, depth: 1) }
        return options
    }

    var format: ValueFormat { ValueFormat(currency: self.org.currency) }
    var label: String { self.period.label }
    var scopeName: String { self.scopes.first { $0.scope == self.scope }?.name ?? self.scope.label }

    /// A page of the dashboard for a period and scope (this one's unless given).
    func link(_ tab: DashboardTab? = nil, period: String? = nil, scope: TargetScope? = nil) -> String {
        let tab = tab ?? self.tab
        return PageLink(tab.path, [("period", period ?? self.label), ("scope", (scope ?? self.scope).label)]
            + (tab == self.tab ? self.extra : [])).text
    }

    /// The whole page around `content`.
    func render(_ content: HTML) -> HTML {
        let body: HTML = """
            <h1>\(self.scopeName) · \(self.period.kind) \(self.period.label)</h1>
            \(self.filters())
            <nav class="tabs">\(DashboardTab.allCases.filter { $0 != .plan || self.viewer.session.role == .admin }.map { tab -> HTML in
                tab == self.tab ? "<strong>\(tab.title)</strong>" : "<a href=\"\(self.link(tab))\">\(tab.title)</a>"
            })</nav>
            \(self.status())
            \(content)
            """
        return Layout.page(title: "\(self.tab.title) · \(self.scopeName) \(self.period.label)", org: self.org.name, viewer: self.viewer,
                           body: body)
    }

    /// Period and scope pickers (a GET form: works without script) and period navigation.
    func filters() -> HTML {
        let fiscal = self.org.fiscalYearStartMonth
        let previous = PeriodLabel.of(kind: self.period.kind, start: PeriodLabel.previousStart(kind: self.period.kind, start: self.period.start),
                                      fiscalYearStartMonth: fiscal)
        let next = PeriodLabel.of(kind: self.period.kind, start: PeriodLabel.nextStart(kind: self.period.kind, start: self.period.start),
                                  fiscalYearStartMonth: fiscal)
        let anchor = min(self.period.end, self.period.asOf)
        let kinds = ["day", "week", "month", "quarter", "year"].map { kind -> HTML in
            let label = PeriodLabel.of(kind: kind, start: PeriodLabel.start(of: kind, containing: anchor, fiscalYearStartMonth: fiscal),
                                       fiscalYearStartMonth: fiscal)
            return kind == self.period.kind ? "<strong>\(kind)</strong> " : "<a href=\"\(self.link(period: label))\">\(kind)</a> "
        }
        let options = self.scopes.map { option -> HTML in
            let indent = String(repeating: "\u{2003}", count: max(0, option.depth - 1))
            let prefix = option.scope.kind == .rep ? "rep: " : (option.scope.kind == .team ? "team: " : "")
            return "<option value=\"\(option.scope.label)\"\(option.scope == self.scope ? HTML(" selected") : "")>\(indent + prefix + option.name)</option>"
        }
        // A period after the as-of date has no data yet.
        let nextLink: HTML = self.period.end < self.period.asOf ? "<a href=\"\(self.link(period: next))\" rel=\"next\">\(next) →</a>" : ""
        let kept = self.extra.compactMap { name, value -> HTML? in
            value.map { "<input type=\"hidden\" name=\"\(name)\" value=\"\($0)\">" }
        }
        return """
            <form class="filters" method="get" action="\(self.tab.path)">
            <label>Period<input type="text" name="period" value="\(self.period.label)" size="10" pattern="[0-9]{4}(-Q[1-4]|-[0-9]{2}|-W[0-9]{2}|-[0-9]{2}-[0-9]{2})?"></label>
            <label>Scope<select name="scope">\(options)</select></label>\(kept)
            <button type="submit">Show</button></form>
            <nav class="periods"><a href="\(self.link(period: previous))" rel="prev">← \(previous)</a>\(nextLink) \(kinds)</nav>
            """
    }

    func status() -> HTML {
        let run: HTML = self.lastRun.map { run in
            let cls = run.status == "succeeded" ? "good" : (run.status == "failed" ? "bad" : "muted")
            return "Last nightly run: night \(run.night.description), <span class=\"\(cls)\">\(run.status)</span>\(run.finishedAt.map { " at " + TimestampText.minute($0) } ?? "")."
        } ?? "No nightly run yet."
        return """
            <p class="status">Data as of <strong>\(self.period.asOf.description)</strong> (computed \(TimestampText.minute(self.period.computedAt))). \(run)</p>
            """
    }
}

/// Links to explain views: every number on a page links to the records behind it.
enum ExplainLink {
    static func to(metric: String, period: String, scope: TargetScope, stage: String? = nil, dimension: String? = nil,
                   key: String? = nil) -> String {
        PageLink("/dashboard/explain", [("metric", metric), ("period", period), ("scope", scope.label), ("stage", stage),
                                        ("dimension", dimension), ("key", key)]).text
    }
}

/// Instants as pages show them (UTC, to the minute).
enum TimestampText {
    static func minute(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = LocalDate(dayNumber: Int((Double(seconds) / 86400).rounded(.down)))
        let minuteOfDay = (seconds - day.dayNumber * 86400) / 60
        let pad = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(day) \(pad(minuteOfDay / 60)):\(pad(minuteOfDay % 60)) UTC"
    }
}
