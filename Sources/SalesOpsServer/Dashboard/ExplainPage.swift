import Foundation
import PostgresClient
import SalesOps

/// The explain view: a number, whether it equals what the last run stored, its definition,
/// its inputs (each explained on its own), and the records behind each side, paged.
struct ExplainPage {
    let explanation: Explanation
    let org: OrgFacts
    let viewer: Viewer
    let request: ExplainRequest

    var format: ValueFormat { ValueFormat(currency: self.org.currency) }

    func link(offset: Int) -> String {
        PageLink("/dashboard/explain", [("metric", self.request.metric), ("period", self.request.period),
                                        ("scope", self.request.scope.label), ("stage", self.request.stage),
                                        ("dimension", self.request.dimension), ("key", self.request.key),
                                        ("offset", offset == 0 ? nil : String(offset))]).text
    }

    func render() -> HTML {
        let e = self.explanation
        let metric = e.metric
        let title = ValueFormat.title(metric) + (e.stage.map { " · stage \($0)" } ?? "")
            + (e.dimension.map { " · \($0) = \(e.key ?? "")" } ?? "")
        let stored = e.materialized
        let agreement: HTML = e.agreesWithMaterialized
            ? "<p class=\"agree good\">Recomputed from the records below: equals the number the run of \(e.period.asOf.description) stored.</p>"
            : "<p class=\"agree bad\">Recomputed from the records below: differs from the stored \(self.format.format(stored.value, metric: metric)); the data changed since the run of \(e.period.asOf.description).</p>"
        let overview = PageLink("/dashboard/overview", [("period", e.period.label), ("scope", e.scope)]).text
        let inputs: HTML = e.inputs.isEmpty ? "" : """
            <h2>Computed from</h2><ul class="inputs">\(e.inputs.map { input -> HTML in
                let scope = TargetScope(label: input.scope) ?? .org
                return "<li><a href=\"\(ExplainLink.to(metric: input.metric, period: input.period, scope: scope))\">\(ValueFormat.title(input.metric)) \(input.period)</a>: \(self.format.format(input.value, metric: input.metric))</li>"
            })</ul>
            """
        let body: HTML = """
            <p><a href="\(overview)">← Overview of \(e.period.label)</a></p>
            <h1>\(title) · \(e.scope) · \(e.period.kind) \(e.period.label)</h1>
            <p class="muted">\(e.period.start.description) to \(e.period.end.description), counted to \(e.stop.description) (as of \(e.period.asOf.description)). Definition: \(e.definition).</p>
            <p class="explained-value"><span class="value" data-value="\(e.value.map { "\($0)" } ?? "")">\(self.format.format(e.value, metric: metric))</span>\(self.fraction())</p>
            \(agreement)
            \(inputs)
            \(e.sides.map(self.side))
            """
        return Layout.page(title: "Explain \(title)", org: self.org.name, viewer: self.viewer, body: body)
    }

    func fraction() -> HTML {
        let e = self.explanation
        guard let numerator = e.numerator, let denominator = e.denominator else { return "" }
        return " <span class=\"muted\">= \(ValueFormat.grouped(numerator, decimals: ValueFormat.isWhole(numerator) ? 0 : 2)) / \(ValueFormat.grouped(denominator, decimals: ValueFormat.isWhole(denominator) ? 0 : 2))</span>"
    }

    func side(_ side: ExplainSide) -> HTML {
        let total = ValueFormat.grouped(side.total, decimals: ValueFormat.isWhole(side.total) ? 0 : 2)
        let header = side.columns.map { column -> HTML in "<th>\(column.replacingOccurrences(of: "_", with: " "))</th>" }
        let rows = side.records.map { record -> HTML in
            "<tr>\(record.map { cell -> HTML in "<td>\(cell ?? "")</td>" })</tr>"
        }
        var paging: [HTML] = []
        if side.offset > 0 { paging.append("<a href=\"\(self.link(offset: max(0, side.offset - side.limit)))\" rel=\"prev\">← previous \(side.limit)</a>") }
        if side.offset + side.records.count < side.recordCount && side.offset + side.limit <= ExplainRequest.maximumOffset {
            paging.append("<a href=\"\(self.link(offset: side.offset + side.limit))\" rel=\"next\">next \(side.limit) →</a>")
        }
        let shown: HTML = side.records.isEmpty ? "<p class=\"muted\">No records on this page.</p>" : """
            <div class="scroll"><table class="records"><thead><tr>\(header)</tr></thead><tbody>\(rows)</tbody></table></div>
            <p class="muted">Records \(side.offset + 1)–\(side.offset + side.records.count) of \(side.recordCount). \(HTML(joining: paging, separator: " "))</p>
            """
        return """
            <section class="side" data-side="\(side.name)" data-total="\("\(side.total)")" data-records="\(side.recordCount)">
            <h2>\(side.name): \(side.description)</h2>
            <p>\(side.recordCount) \(side.recordKind.replacingOccurrences(of: "_", with: " ")) records; \(side.totalKind == "count" ? "count" : "sum of weight") = <strong class="side-total">\(total)</strong></p>
            \(shown)</section>
            """
    }
}

/// The login form: a token, and a CSRF value double-submitted with a short-lived cookie.
enum LoginPage {
    static func render(nonce: String, problem: String?) -> HTML {
        let message: HTML = problem.map { "<p class=\"bad\" role=\"alert\">\($0)</p>" } ?? ""
        return Layout.page(title: "Log in", body: """
            <h1>Log in</h1>
            <form class="login" method="post" action="/dashboard/login">\(message)
            <input type="hidden" name="csrf" value="\(nonce)">
            <label>API token of your org<br><input type="password" name="token" autocomplete="off" size="60" required></label>
            <button type="submit">Log in</button>
            <p class="muted">Ask your admin for a token (<code>salesctl token create</code>). Reader tokens see; admin tokens can also set targets.</p>
            </form>
            """)
    }
}
