import Foundation
import PostgresClient
import SalesOps

/// Links to explain views: every number on a page links to the records behind it.
enum ExplainLink {
    static func to(metric: String, period: String, scope: TargetScope, stage: String? = nil, dimension: String? = nil,
                   key: String? = nil) -> String {
        PageLink("/dashboard/explain", [("metric", metric), ("period", period), ("scope", scope.label), ("stage", stage),
                                        ("dimension", dimension), ("key", key)]).text
    }
}

/// The overview: headline cards with target, attainment, pace and trend; data freshness;
/// a leaderboard; the stage funnel; breakdowns.
struct OverviewPage {
    let data: OverviewData

    var format: ValueFormat { ValueFormat(currency: self.data.org.currency) }
    var label: String { self.data.period.label }

    func overview(period: String? = nil, scope: TargetScope? = nil) -> String {
        PageLink("/dashboard/overview", [("period", period ?? self.label), ("scope", (scope ?? self.data.scope).label),
                                         ("metric", self.data.leaderboardMetric), ("by", self.data.leaderboardKind.rawValue)]).text
    }

    func render() -> HTML {
        let period = self.data.period
        let scopeName = self.data.scopes.first { $0.scope == self.data.scope }?.name ?? self.data.scope.label
        let body: HTML = """
            <h1>\(scopeName) · \(period.kind) \(period.label)</h1>
            \(self.filters())
            \(self.status())
            <section class="cards" aria-label="Headline KPIs">\(self.data.cards.enumerated().map { self.card($1, index: $0) })</section>
            <div class="grid2">
            <section><h2>Leaderboard: \(ValueFormat.title(self.data.leaderboardMetric)) by \(self.data.leaderboardKind.rawValue)</h2>\(self.leaderboard())</section>
            <section><h2>Stage funnel <span class="muted">(whole org)</span></h2>\(self.funnel())</section>
            </div>
            <h2>Breakdowns</h2><div class="grid2">\(self.breakdowns())</div>
            """
        return Layout.page(title: "\(scopeName) \(period.label)", org: self.data.org.name, viewer: self.data.viewer, body: body)
    }

    /// Period and scope pickers (a GET form: works without script) and period navigation.
    func filters() -> HTML {
        let period = self.data.period
        let fiscal = self.data.org.fiscalYearStartMonth
        let previous = PeriodLabel.of(kind: period.kind, start: PeriodLabel.previousStart(kind: period.kind, start: period.start),
                                      fiscalYearStartMonth: fiscal)
        let next = PeriodLabel.of(kind: period.kind, start: PeriodLabel.nextStart(kind: period.kind, start: period.start),
                                  fiscalYearStartMonth: fiscal)
        let anchor = min(period.end, period.asOf)
        let kinds = ["day", "week", "month", "quarter", "year"].map { kind -> HTML in
            let label = PeriodLabel.of(kind: kind, start: PeriodLabel.start(of: kind, containing: anchor, fiscalYearStartMonth: fiscal),
                                       fiscalYearStartMonth: fiscal)
            return kind == period.kind ? "<strong>\(kind)</strong> " : "<a href=\"\(self.overview(period: label))\">\(kind)</a> "
        }
        let options = self.data.scopes.map { option -> HTML in
            let indent = String(repeating: "\u{2003}", count: max(0, option.depth - 1))
            let prefix = option.scope.kind == .rep ? "rep: " : (option.scope.kind == .team ? "team: " : "")
            return "<option value=\"\(option.scope.label)\"\(option.scope == self.data.scope ? HTML(" selected") : "")>\(indent + prefix + option.name)</option>"
        }
        let metrics = KPIMaterializer.materializedMetrics.map { metric -> HTML in
            "<option value=\"\(metric)\"\(metric == self.data.leaderboardMetric ? HTML(" selected") : "")>\(ValueFormat.title(metric))</option>"
        }
        return """
            <form class="filters" method="get" action="/dashboard/overview">
            <label>Period<input type="text" name="period" value="\(period.label)" size="10" pattern="[0-9]{4}(-Q[1-4]|-[0-9]{2}|-W[0-9]{2}|-[0-9]{2}-[0-9]{2})?"></label>
            <label>Scope<select name="scope">\(options)</select></label>
            <label>Leaderboard metric<select name="metric">\(metrics)</select></label>
            <label>Rank<select name="by"><option value="rep"\(self.data.leaderboardKind == .rep ? HTML(" selected") : "")>reps</option><option value="team"\(self.data.leaderboardKind == .team ? HTML(" selected") : "")>teams</option></select></label>
            <button type="submit">Show</button></form>
            <nav class="periods"><a href="\(self.overview(period: previous))" rel="prev">← \(previous)</a><a href="\(self.overview(period: next))" rel="next">\(next) →</a> \(kinds)</nav>
            """
    }

    func status() -> HTML {
        let period = self.data.period
        let computed = TimestampText.minute(period.computedAt)
        let run: HTML = self.data.lastRun.map { run in
            let cls = run.status == "succeeded" ? "good" : (run.status == "failed" ? "bad" : "muted")
            return "Last nightly run: night \(run.night.description), <span class=\"\(cls)\">\(run.status)</span>\(run.finishedAt.map { " at " + TimestampText.minute($0) } ?? "")."
        } ?? "No nightly run yet."
        return """
            <p class="status">Data as of <strong>\(period.asOf.description)</strong> (computed \(computed)). \(run)</p>
            """
    }

    func card(_ reading: MetricReading, index: Int) -> HTML {
        let metric = reading.metric
        let link = ExplainLink.to(metric: metric, period: self.label, scope: self.data.scope)
        let points = (self.data.trends[metric] ?? []).map { point in
            SVGChart.Point(label: PeriodLabel.of(kind: point.periodKind, start: point.periodStart,
                                                 fiscalYearStartMonth: self.data.org.fiscalYearStartMonth),
                           value: point.value, text: self.format.format(point.value, metric: metric))
        }
        let attainment = reading.attainmentPct.map { $0 >= 100 ? "good" : "bad" } ?? "muted"
        let numbers: HTML = """
            <dl><dt>Target</dt><dd>\(self.format.format(reading.target, metric: metric))</dd>
            <dt>Attainment</dt><dd class="\(attainment)"><a href="\(link)">\(ValueFormat.grouped(reading.attainmentPct, percent: true))</a></dd>
            <dt>Pace</dt><dd><a href="\(link)">\(ValueFormat.grouped(reading.pacePct, percent: true))</a></dd></dl>
            """
        var edit: HTML = ""
        if self.data.viewer.session.role == .admin, self.data.period.kind != "day" {
            edit = """
                <form method="post" action="/dashboard/targets"><input type="hidden" name="csrf" value="\(self.data.viewer.csrfToken)">
                <input type="hidden" name="metric" value="\(metric)"><input type="hidden" name="period" value="\(self.label)">
                <input type="hidden" name="scope" value="\(self.data.scope.label)">
                <input type="text" name="value" inputmode="decimal" aria-label="New target for \(ValueFormat.title(metric))" placeholder="target">
                <button type="submit">Set target</button></form>
                """
        }
        return """
            <article class="card" data-metric="\(metric)"><h3>\(ValueFormat.title(metric))</h3>
            <a class="value" href="\(link)" data-value="\(reading.value.map { "\($0)" } ?? "")">\(self.format.format(reading.value, metric: metric))</a>
            \(numbers)
            \(SVGChart.trend(id: "trend-\(index)", title: "\(ValueFormat.title(metric)), last \(points.count) \(self.data.period.kind)s", points: points))
            \(edit)</article>
            """
    }

    func leaderboard() -> HTML {
        guard !self.data.leaderboard.isEmpty else { return "<p class=\"muted\">No values or targets for this metric.</p>" }
        let metric = self.data.leaderboardMetric
        let rows = self.data.leaderboard.map { entry -> HTML in
            let scope: TargetScope = entry.scopeKind == "team" ? .team(entry.scopeExternalID) : .rep(entry.scopeExternalID)
            let link = ExplainLink.to(metric: metric, period: self.label, scope: scope)
            return """
                <tr><td class="num">\(entry.rank)</td><td><a href="\(self.overview(scope: scope))">\(entry.name)</a></td>
                <td class="num"><a href="\(link)">\(self.format.format(entry.value, metric: metric))</a></td>
                <td class="num">\(self.format.format(entry.target, metric: metric))</td>
                <td class="num"><a href="\(link)">\(ValueFormat.grouped(entry.attainmentPct, percent: true))</a></td></tr>
                """
        }
        return """
            <div class="scroll"><table class="leaderboard"><thead><tr><th class="num">#</th><th>\(self.data.leaderboardKind.rawValue)</th><th class="num">Value</th><th class="num">Target</th><th class="num">Attainment</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    func funnel() -> HTML {
        guard !self.data.stages.isEmpty else { return "<p class=\"muted\">No stage movements in this period.</p>" }
        let byStage = Dictionary(grouping: self.data.stages) { "\($0.pipeline)/\($0.stage)" }
        var html: [HTML] = []
        for (index, pipeline) in Set(self.data.stages.map(\.pipeline)).sorted().enumerated() {
            let stageNames = self.data.stageOrder[pipeline] ?? []
            let present = stageNames.filter { byStage["\(pipeline)/\($0)"] != nil }
            func value(_ stage: String, _ metric: String) -> Decimal? {
                byStage["\(pipeline)/\(stage)"]?.first { $0.metric == metric }?.value
            }
            let bars = present.map { stage in
                SVGChart.Bar(label: stage, value: value(stage, "stage_entries") ?? 0,
                             text: self.format.format(value(stage, "stage_entries") ?? 0, metric: "stage_entries"),
                             link: ExplainLink.to(metric: "stage_entries", period: self.label, scope: .org, stage: "\(pipeline)/\(stage)"))
            }
            let rows = present.map { stage -> HTML in
                let cell = { (metric: String) -> HTML in
                    "<td class=\"num\"><a href=\"\(ExplainLink.to(metric: metric, period: self.label, scope: .org, stage: "\(pipeline)/\(stage)"))\">\(self.format.format(value(stage, metric), metric: metric))</a></td>"
                }
                return "<tr><td>\(stage)</td>\(cell("stage_entries"))\(cell("stage_conversion_rate"))\(cell("stage_avg_days"))</tr>"
            }
            html.append("""
                <h3>\(pipeline)</h3>\(SVGChart.bars(id: "funnel-\(index)", title: "Stage entries of \(pipeline)", bars: bars))
                <table class="funnel"><thead><tr><th>Stage</th><th class="num">Entries</th><th class="num">Conversion</th><th class="num">Days in stage</th></tr></thead><tbody>\(rows)</tbody></table>
                """)
        }
        return HTML(joining: html)
    }

    func breakdowns() -> HTML {
        let wanted: [(String, String, String)] = [("revenue", "region", "Revenue by region"), ("revenue", "product", "Revenue by product"),
                                                  ("revenue", "source", "Revenue by source"), ("revenue", "deal_type", "Revenue by deal type"),
                                                  ("leads", "lifecycle_stage", "Leads by lifecycle stage")]
        return HTML(joining: wanted.enumerated().map { index, wanted -> HTML in
            let (metric, dimension, title) = wanted
            let rows = self.data.breakdowns.filter { $0.metric == metric && $0.dimension == dimension }
            guard !rows.isEmpty else { return "<section><h3>\(title)</h3><p class=\"muted\">Nothing in this period.</p></section>" }
            let bars = rows.sorted { $0.value > $1.value }.map { row in
                SVGChart.Bar(label: row.key, value: row.value, text: self.format.format(row.value, metric: metric == "leads" ? "new_leads" : metric),
                             link: ExplainLink.to(metric: metric, period: self.label, scope: self.data.scope, dimension: dimension, key: row.key))
            }
            return "<section><h3>\(title)</h3>\(SVGChart.bars(id: "breakdown-\(index)", title: title, bars: bars))</section>"
        })
    }
}

extension ValueFormat {
    /// A percentage with one decimal, or "–".
    static func grouped(_ value: Decimal?, percent: Bool) -> String {
        value.map { self.grouped($0, decimals: 1) + (percent ? " %" : "") } ?? "–"
    }
}

/// Instants as pages show them (UTC, to the minute).
enum TimestampText {
    static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
