import Foundation
import PostgresClient
import SalesOps

/// The Forecast tab: where the period will land as of the day its KPIs were computed (value,
/// P10/P90, parts, target, calls), how the kept forecast moved night by night against what was
/// won, and the backtest of earlier periods against the baselines.
struct ForecastPage: Sendable {
    var frame: DashboardFrame
    /// Nil for a day: forecasts are made for weeks, months, quarters and years.
    var forecast: Forecast?
    var history: [StoredForecast]
    var backtest: ForecastBacktest?

    static func load(_ session: TenantSession, frame: DashboardFrame) throws -> ForecastPage {
        let period = frame.period
        guard period.kind != "day" else { return ForecastPage(frame: frame, forecast: nil, history: [], backtest: nil) }
        let engine = ForecastEngine(session: session)
        let asOf = min(max(period.asOf, period.start), period.end)
        let forecast = try engine.forecast(period: period.label, scope: frame.scope, asOf: asOf)
        let history = ForecastEngine.keptPeriodKinds.contains(period.kind) ? try engine.history(period: period.label, scope: frame.scope) : []
        let backtest = try engine.backtest(kind: period.kind == "quarter" ? "quarter" : "month", from: nil, to: nil,
                                           atFraction: Decimal(string: "0.5")!, scope: frame.scope)
        return ForecastPage(frame: frame, forecast: forecast, history: history, backtest: backtest)
    }

    func render() -> HTML {
        guard let forecast else {
            return self.frame.render("<p class=\"muted\">Forecasts are made for weeks, months, quarters and fiscal years: pick one above.</p>")
        }
        let money = { (value: Decimal?) in value.map { self.frame.format.money($0) } ?? "–" }
        var interval: HTML = "<span class=\"muted\">none</span>"
        if let low = forecast.low, let high = forecast.high { interval = "\(money(low)) – \(money(high))" }
        let calls = forecast.calls.map { call -> HTML in
            "<dt>Latest \(call.category.rawValue.replacingOccurrences(of: "_", with: " ")) call</dt><dd data-call=\"\(call.category.rawValue)\">\(money(call.amount))</dd>"
        }
        let summary: HTML = """
            <section class="forecast-summary card"><h3>Forecast as of \(forecast.asOf.description)</h3>
            <span class="value" data-value="\(forecast.value.description)">\(money(forecast.value))</span>
            <dl><dt>P10 – P90</dt><dd class="interval">\(interval)</dd>
            <dt>Target</dt><dd>\(money(forecast.target))</dd>
            <dt>Forecast vs target</dt><dd>\(ValueFormat.grouped(forecast.attainmentPct, percent: true))</dd>\(calls)
            <dt>Run-rate</dt><dd>\(money(forecast.baselines.runRate))</dd>
            <dt>Weighted pipeline</dt><dd>\(money(forecast.baselines.weightedPipeline))</dd></dl>
            <p class="muted">\(forecast.intervalNote)</p></section>
            """
        let openRows = forecast.openPipeline.map { part -> HTML in
            """
            <tr><td>\(part.pipeline) / \(part.stage)</td><td class="num">\(part.deals)</td><td class="num">\(money(part.amount))</td>
            <td class="num">\(ValueFormat.grouped(part.winProbability * 100, percent: true))</td><td class="num">\(money(part.expected))</td></tr>
            """
        }
        let parts: HTML = """
            <h2 id="parts">Parts</h2><div class="scroll"><table class="forecast-parts"><thead><tr><th>Part</th><th class="num">Deals</th>
            <th class="num">Amount</th><th class="num">Win probability</th><th class="num">Expected</th></tr></thead><tbody>
            <tr><td>Won to date</td><td class="num">\(forecast.wonToDate.deals)</td><td class="num">\(money(forecast.wonToDate.amount))</td>
            <td></td><td class="num">\(money(forecast.wonToDate.amount))</td></tr>\(openRows)
            <tr><td>Not yet created (learned from \(forecast.notYetCreated.historyDays) days)</td><td></td><td></td><td></td>
            <td class="num">\(money(forecast.notYetCreated.expected))</td></tr></tbody></table></div>
            <p class="muted">\(forecast.notes.joined(separator: "; "))</p>
            """
        return self.frame.render("\(summary)\(parts)\(self.historySection(money))\(self.backtestSection(money))")
    }

    /// The kept forecasts of the period night by night, and what had been won by each night.
    func historySection(_ money: @escaping (Decimal?) -> String) -> HTML {
        guard !self.history.isEmpty else {
            return "<h2>Night by night</h2><p class=\"muted\">No forecast of this period has been kept yet: each materialization keeps one.</p>"
        }
        let point = { (night: StoredForecast, value: Decimal) in SVGChart.Point(label: night.asOf.description, value: value, text: money(value)) }
        let rows = self.history.suffix(16).reversed().map { night -> HTML in
            "<tr><td>\(night.asOf.description)</td><td class=\"num\">\(money(night.value))</td><td class=\"num\">\(money(night.wonToDate))</td><td class=\"num\">\(money(night.commitCall))</td></tr>"
        }
        return """
            <h2>Night by night</h2><section class="forecast-history">
            <figure>\(SVGChart.trend(id: "forecast-history", title: "Forecast, \(self.history.count) nights", points: self.history.map { point($0, $0.value) }, width: 420, height: 90))<figcaption>Forecast</figcaption></figure>
            <figure>\(SVGChart.trend(id: "won-history", title: "Won to date, \(self.history.count) nights", points: self.history.map { point($0, $0.wonToDate) }, width: 420, height: 90))<figcaption>Won to date</figcaption></figure>
            <div class="scroll"><table class="forecast-nights"><thead><tr><th>As of</th><th class="num">Forecast</th><th class="num">Won to date</th>
            <th class="num">Commit call</th></tr></thead><tbody>\(rows)</tbody></table></div></section>
            """
    }

    /// Earlier periods forecast half-way against what they ended at, and the methods' errors.
    func backtestSection(_ money: (Decimal?) -> String) -> HTML {
        guard let backtest else { return "" }
        let rows = backtest.periods.map { row -> HTML in
            """
            <tr><td>\(row.label)</td><td class="num">\(money(row.actual))</td><td class="num">\(money(row.model))</td>
            <td class="num">\(money(row.runRate))</td><td class="num">\(money(row.weightedPipeline))</td><td class="num">\(money(row.commit))</td></tr>
            """
        }
        let summary = backtest.summary.map { method -> HTML in
            """
            <tr data-method="\(method.method)"><td>\(method.method.replacingOccurrences(of: "_", with: " "))</td><td class="num">\(method.periods)</td>
            <td class="num">\(ValueFormat.grouped(method.mapePct, percent: true))</td><td class="num">\(ValueFormat.grouped(method.biasPct, percent: true))</td>
            <td class="num">\(ValueFormat.grouped(method.coveragePct, percent: true))</td></tr>
            """
        }
        return """
            <h2>Backtest: earlier \(backtest.periodKind)s forecast half-way</h2>
            <div class="scroll"><table class="backtest-summary"><thead><tr><th>Method</th><th class="num">Periods</th><th class="num">MAPE</th>
            <th class="num">Bias</th><th class="num">P10–P90 coverage</th></tr></thead><tbody>\(summary)</tbody></table></div>
            <div class="scroll"><table class="backtest"><thead><tr><th>Period</th><th class="num">Actual</th><th class="num">Model</th>
            <th class="num">Run-rate</th><th class="num">Weighted pipeline</th><th class="num">Commit calls</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
