import Foundation
import PostgresClient
import SalesOps

/// The Plan tab (admins): a draft quota plan for the period after the one shown — every input
/// per rep, the teams' sums, the expected share at quota — and a CSRF-protected form that
/// applies it as revenue targets.
struct PlanPage: Sendable {
    var frame: DashboardFrame
    /// The planned period's label.
    var label: String
    var total: Decimal?
    /// Nil with `note` when the scope cannot be planned (a rep).
    var plan: QuotaPlan?
    var note: String?
    /// Targets the last apply wrote, when the page follows one.
    var applied: Int?

    static func load(_ session: TenantSession, frame: DashboardFrame, plan label: String?, total: Decimal?,
                     applied: Int?) throws -> PlanPage {
        guard frame.viewer.session.role == .admin else { throw Problem(.forbidden, "the Plan tab is for admin sessions") }
        var frame = frame
        let label = label ?? Self.nextPeriod(after: frame.period, fiscalYearStartMonth: frame.org.fiscalYearStartMonth)
        frame.extra = [("plan", label), ("total", total.map(\.description))]
        guard frame.scope.kind != .rep else {
            return PlanPage(frame: frame, label: label, total: total, plan: nil,
                            note: "Plans are made for the org or a team: pick one above.", applied: applied)
        }
        let plan = try ForecastEngine(session: session).planQuotas(period: label, scope: frame.scope, total: total)
        return PlanPage(frame: frame, label: label, total: total, plan: plan, note: nil, applied: applied)
    }

    /// The label of the month, quarter or fiscal year after `period` (the month after, for a day or week).
    static func nextPeriod(after period: ShownPeriod, fiscalYearStartMonth: Int) -> String {
        let kind = ForecastEngine.keptPeriodKinds.contains(period.kind) ? period.kind : "month"
        let start = PeriodLabel.start(of: kind, containing: period.end, fiscalYearStartMonth: fiscalYearStartMonth)
        return PeriodLabel.of(kind: kind, start: PeriodLabel.nextStart(kind: kind, start: start), fiscalYearStartMonth: fiscalYearStartMonth)
    }

    func render() -> HTML {
        let money = { (value: Decimal?) in value.map { self.frame.format.money($0) } ?? "–" }
        let draft: HTML = """
            <form class="filters plan" method="get" action="/dashboard/plan">
            <input type="hidden" name="period" value="\(self.frame.label)"><input type="hidden" name="scope" value="\(self.frame.scope.label)">
            <label>Plan period<input type="text" name="plan" value="\(self.label)" size="8"></label>
            <label>Total (empty: bottom-up)<input type="text" name="total" inputmode="decimal" value="\(self.total?.description ?? "")" size="12"></label>
            <button type="submit">Draft</button></form>
            """
        var done: HTML = ""
        if let applied = self.applied {
            done = "<p class=\"applied good\">Applied: \(applied) target\(applied == 1 ? "" : "s") written.</p>"
        }
        guard let plan = self.plan else {
            return self.frame.render("<h2>Quota plan for \(self.label)</h2>\(draft)<p class=\"muted\">\(self.note ?? "")</p>")
        }
        let reps = plan.reps.map { rep -> HTML in
            """
            <tr data-rep="\(rep.rep)"><td>\(rep.rep)</td><td>\(rep.team ?? "–")</td><td class="num">\(rep.activeDays)</td>
            <td class="num">\(ValueFormat.grouped(rep.rampFactor, decimals: 2))</td><td class="num">\(money(rep.capacity))</td>
            <td class="num quota" data-quota="\(rep.quota.description)">\(money(rep.quota))</td><td class="num">\(money(rep.openExpected))</td>
            <td class="num">\(rep.coverage.map { ValueFormat.grouped($0, decimals: 2) } ?? "–")</td></tr>
            """
        }
        let teams = plan.teams.map { "<tr><td>\($0.team)</td><td class=\"num\">\(money($0.quota))</td></tr>" as HTML }
        let apply: HTML = """
            <form class="apply-plan" method="post" action="/dashboard/plan"><input type="hidden" name="csrf" value="\(self.frame.viewer.csrfToken)">
            <input type="hidden" name="period" value="\(self.frame.label)"><input type="hidden" name="scope" value="\(self.frame.scope.label)">
            <input type="hidden" name="plan" value="\(self.label)"><input type="hidden" name="total" value="\(self.total?.description ?? "")">
            <label><input type="checkbox" name="replace"> replace other revenue targets of \(self.label)</label>
            <button type="submit">Apply as targets</button></form>
            """
        return self.frame.render("""
            <h2>Quota plan for \(self.label)</h2>\(draft)\(done)
            <dl class="plan-inputs"><dt>Productivity</dt><dd>\(money(plan.productivityPerDay)) per rep-day over \(plan.trailingPeriods.joined(separator: ", "))</dd>
            <dt>Ramp</dt><dd>\(plan.rampDays) days</dd><dt>Seasonality</dt><dd>\(ValueFormat.grouped(plan.seasonality, decimals: 4))</dd>
            <dt>Expected share at quota</dt><dd>\(ValueFormat.grouped(plan.expectedAtQuotaPct, percent: true))</dd></dl>
            <div class="scroll"><table class="plan"><thead><tr><th>Rep</th><th>Team</th><th class="num">Active days</th><th class="num">Ramp</th>
            <th class="num">Capacity</th><th class="num">Quota</th><th class="num">Open, expected to close</th><th class="num">Coverage</th></tr></thead>
            <tbody>\(reps)</tbody></table></div>
            <div class="scroll"><table class="plan-teams"><thead><tr><th>Team</th><th class="num">Quota</th></tr></thead><tbody>\(teams)</tbody></table></div>
            \(apply)
            """)
    }
}
