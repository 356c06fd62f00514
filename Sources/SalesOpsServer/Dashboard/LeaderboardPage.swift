import Foundation
import PostgresClient
import SalesOps

/// Reps (or sub-teams) of the scope ranked by attainment of a chosen metric.
struct LeaderboardPage: Sendable {
    var frame: DashboardFrame
    var metric: String
    var kind: ScopeKind
    var entries: [LeaderboardEntry]

    static func load(_ session: TenantSession, frame: DashboardFrame, metric: String, kind: ScopeKind) throws -> LeaderboardPage {
        var frame = frame
        frame.extra = [("metric", metric), ("by", kind.rawValue)]
        return LeaderboardPage(frame: frame, metric: metric, kind: kind,
                               entries: try KPIReader(session: session).leaderboard(period: frame.period, metric: metric, of: kind,
                                                                                    limit: 100, within: frame.scope))
    }

    func render() -> HTML {
        let format = self.frame.format
        let metrics = MetricCatalogue.standard.materializedMetrics.map { metric -> HTML in
            "<option value=\"\(metric)\"\(metric == self.metric ? HTML(" selected") : "")>\(ValueFormat.title(metric))</option>"
        }
        let chooser: HTML = """
            <form class="filters rank" method="get" action="/dashboard/leaderboard">
            <input type="hidden" name="period" value="\(self.frame.label)"><input type="hidden" name="scope" value="\(self.frame.scope.label)">
            <label>Metric<select name="metric">\(metrics)</select></label>
            <label>Rank<select name="by"><option value="rep"\(self.kind == .rep ? HTML(" selected") : "")>reps</option><option value="team"\(self.kind == .team ? HTML(" selected") : "")>teams</option></select></label>
            <button type="submit">Rank</button></form>
            """
        let rows = self.entries.map { entry -> HTML in
            let scope: TargetScope = entry.scopeKind == "team" ? .team(entry.scopeExternalID) : .rep(entry.scopeExternalID)
            let link = ExplainLink.to(metric: self.metric, period: self.frame.label, scope: scope)
            return """
                <tr><td class="num">\(entry.rank)</td><td><a href="\(self.frame.link(.overview, scope: scope))">\(entry.name)</a></td>
                <td class="num"><a href="\(link)">\(format.format(entry.value, metric: self.metric))</a></td>
                <td class="num">\(format.format(entry.target, metric: self.metric))</td>
                <td class="num"><a href="\(link)">\(ValueFormat.grouped(entry.attainmentPct, percent: true))</a></td></tr>
                """
        }
        let table: HTML = self.entries.isEmpty ? "<p class=\"muted\">No values or targets for this metric.</p>" : """
            <div class="scroll"><table class="leaderboard"><thead><tr><th class="num">#</th><th>\(self.kind.rawValue)</th><th class="num">Value</th><th class="num">Target</th><th class="num">Attainment</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        return self.frame.render("""
            <h2>\(ValueFormat.title(self.metric)) by \(self.kind.rawValue), best attainment first</h2>\(chooser)\(table)
            """)
    }
}
