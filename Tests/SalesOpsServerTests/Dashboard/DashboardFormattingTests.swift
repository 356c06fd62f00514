import Foundation
import PostgresClient
@testable import SalesOpsServer
import Testing

@Suite("Dashboard values for people, escaping and charts")
struct DashboardFormattingTests {
    @Test("money in the org's currency with thousands separators, % on rates, days on durations")
    func values() {
        let euro = ValueFormat(currency: "EUR"), other = ValueFormat(currency: "SEK")
        #expect(euro.format(Decimal(string: "1427000.4")!, metric: "revenue") == "€1,427,000")
        #expect(other.format(Decimal(string: "-1234.5")!, metric: "customer_acquisition_cost") == "−SEK 1,235")
        #expect(euro.format(Decimal(string: "37.36263736")!, metric: "win_rate") == "37.4 %")
        #expect(euro.format(Decimal(string: "-12.5")!, metric: "nps") == "−12.5 %")
        #expect(euro.format(Decimal(string: "31.88478")!, metric: "sales_cycle_days") == "31.9 days")
        #expect(euro.format(Decimal(string: "95.6")!, metric: "avg_response_minutes") == "96 min")
        #expect(euro.format(1234567, metric: "new_leads") == "1,234,567")
        #expect(euro.format(Decimal(string: "1.5")!, metric: "win_loss_ratio") == "1.50")
        #expect(euro.format(nil, metric: "win_rate") == "–")
        #expect(ValueFormat.title("mql_to_customer_rate") == "MQL to customer rate")
    }

    @Test("text is escaped, markup fragments are not")
    func escaping() {
        let name = "<img src=x onerror=alert(1)> & \"quoted\" 'single'\u{07}"
        let html: HTML = "<p title=\"\(name)\">\(name)</p>\(HTML("<br>"))"
        #expect(html.description == "<p title=\"&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;\">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;</p><br>")
        #expect(PageLink("/dashboard/explain", [("scope", "team:a&b c"), ("stage", nil), ("key", "(none)")]).text
                == "/dashboard/explain?scope=team%3Aa%26b%20c&key=%28none%29")
    }

    @Test("a trend has a title and a description listing every value; gaps stay gaps")
    func trend() {
        let svg = SVGChart.trend(id: "t", title: "Revenue <12>", points: [
            .init(label: "2026-10", value: 10, text: "€10"), .init(label: "2026-11", value: nil, text: "–"),
            .init(label: "2026-12", value: 30, text: "€30"),
        ]).description
        #expect(svg.contains("<title id=\"t-t\">Revenue &lt;12&gt;</title>"))
        #expect(svg.contains("<desc id=\"t-d\">2026-10: €10; 2026-11: –; 2026-12: €30</desc>"))
        #expect(!svg.contains("<polyline"), "two points separated by a gap draw no line")
        #expect(svg.components(separatedBy: "<circle").count == 3)
    }

    @Test("instants print in UTC to the minute")
    func instants() {
        #expect(TimestampText.minute(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18 11:06 UTC")
        #expect(TimestampText.minute(Date(timeIntervalSince1970: 59)) == "1970-01-01 00:00 UTC")
    }
}
