import Foundation
import PostgresClient
import SalesOps

/// The overview: headline KPI cards with value, target, attainment, pace and a trend of the
/// last 12 periods; an admin can set a card's target.
struct OverviewPage: Sendable {
    var frame: DashboardFrame
    var cards: [MetricReading]
    /// Each headline metric's last periods (this one last).
    var trends: [String: [SeriesPoint]]
    /// The latest kept forecast of the period and scope (months, quarters and years).
    var forecast: StoredForecast?

    /// The cards, in order.
    static var headline: [String] { MetricCatalogue.standard.overviewCards }
    /// Periods a trend shows.
    static let trendLength = 12

    static func load(_ session: TenantSession, frame: DashboardFrame) throws -> OverviewPage {
        let reader = KPIReader(session: session)
        let period = frame.period
        let (_, readings) = try reader.read(period: period.label, scope: frame.scope, metrics: Self.headline)
        let first = (1..<Self.trendLength).reduce(period.start) { start, _ in PeriodLabel.previousStart(kind: period.kind, start: start) }
        let trends = try reader.series(metrics: Self.headline, kind: period.kind, from: first, to: period.start, scope: frame.scope,
                                       includingTargets: false)
        let forecast = ForecastEngine.keptPeriodKinds.contains(period.kind)
            ? try ForecastEngine(session: session).history(period: period.label, scope: frame.scope, limit: 1).last : nil
        return OverviewPage(frame: frame, cards: Self.headline.compactMap { metric in readings.first { $0.metric == metric } },
                            trends: trends, forecast: forecast)
    }

    func render() -> HTML {
        self.frame.render("""
            <section class="cards" aria-label="Headline KPIs">\(self.forecastCard())\(self.cards.enumerated().map { self.card($1, index: $0) })</section>
            """)
    }

    /// Where the period will land, as the last materialization forecast it; the Forecast tab
    /// has its interval and parts.
    func forecastCard() -> HTML {
        guard let forecast = self.forecast else { return "" }
        let money = { (value: Decimal?) in value.map { self.frame.format.money($0) } ?? "–" }
        let link = self.frame.link(.forecast)
        return """
            <article class="card forecast-card"><h3>Revenue forecast</h3>
            <a class="value" href="\(link)" data-value="\(forecast.value.description)">\(money(forecast.value))</a>
            <dl><dt>As of</dt><dd>\(forecast.asOf.description)</dd><dt>P10 – P90</dt><dd><a href="\(link)">on the Forecast tab</a></dd>
            <dt>Target</dt><dd>\(money(forecast.target))</dd>
            <dt>Forecast vs target</dt><dd class="\(forecast.attainmentPct.map { $0 >= 100 ? "good" : "bad" } ?? "muted")">\(ValueFormat.grouped(forecast.attainmentPct, percent: true))</dd>
            <dt>Commit call</dt><dd data-call="commit">\(money(forecast.commitCall))</dd>
            <dt>Won to date</dt><dd><a href="\(link)#parts">\(money(forecast.wonToDate))</a></dd></dl></article>
            """
    }

    func card(_ reading: MetricReading, index: Int) -> HTML {
        let metric = reading.metric, format = self.frame.format, label = self.frame.label
        let link = ExplainLink.to(metric: metric, period: label, scope: self.frame.scope)
        let points = (self.trends[metric] ?? []).map { point in
            SVGChart.Point(label: PeriodLabel.of(kind: point.periodKind, start: point.periodStart,
                                                 fiscalYearStartMonth: self.frame.org.fiscalYearStartMonth),
                           value: point.value, text: format.format(point.value, metric: metric))
        }
        let attainment = reading.attainmentPct.map { $0 >= 100 ? "good" : "bad" } ?? "muted"
        var edit: HTML = ""
        if self.frame.viewer.session.role == .admin, self.frame.period.kind != "day" {
            edit = """
                <form method="post" action="/dashboard/targets"><input type="hidden" name="csrf" value="\(self.frame.viewer.csrfToken)">
                <input type="hidden" name="metric" value="\(metric)"><input type="hidden" name="period" value="\(label)">
                <input type="hidden" name="scope" value="\(self.frame.scope.label)">
                <input type="text" name="value" inputmode="decimal" aria-label="New target for \(ValueFormat.title(metric))" placeholder="target">
                <button type="submit">Set target</button></form>
                """
        }
        return """
            <article class="card" data-metric="\(metric)"><h3>\(ValueFormat.title(metric))</h3>
            <a class="value" href="\(link)" data-value="\(reading.value.map { "\($0)" } ?? "")">\(format.format(reading.value, metric: metric))</a>
            <dl><dt>Target</dt><dd>\(format.format(reading.target, metric: metric))</dd>
            <dt>Attainment</dt><dd class="\(attainment)"><a href="\(link)">\(ValueFormat.grouped(reading.attainmentPct, percent: true))</a></dd>
            <dt>Pace</dt><dd><a href="\(link)">\(ValueFormat.grouped(reading.pacePct, percent: true))</a></dd></dl>
            \(SVGChart.trend(id: "trend-\(index)", title: "\(ValueFormat.title(metric)), last \(points.count) \(self.frame.period.kind)s", points: points))
            \(edit)</article>
            """
    }
}
