import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Adds a throwaway metric the way the README's "Adding a metric" says — a catalogue row, a
/// spec, a family statement, nothing else — and requires every reader of the catalogue to
/// know it: the engine writes it, `kpi show` reads it in catalogue order with its missing-row
/// rule, explain recomputes it, its unit and lower-is-better come from its spec.
@Suite("Adding a metric takes the README's three pieces and nothing else")
struct AddingAMetricTests {
    /// 1. The catalogue migration's row.
    static let catalogueRow = "INSERT INTO salesops.metrics (id, name, aggregation, lower_is_better) SELECT max(id) + 1, 'meeting_no_show_rate', 'ratio', true FROM salesops.metrics"

    /// 2. The spec.
    static let spec = MetricSpec(
        metric: "meeting_no_show_rate", family: "no-shows", aggregation: .ratio, unit: .percent, lowerIsBetter: true,
        definition: "100 × meetings in P with outcome no_show / meetings in P",
        sides: [MetricSpecs.activitiesOf(kind: "meeting", "denominator"),
                Sides.activities("numerator", "meetings in P with outcome no_show") { _ in "x.kind = 'meeting' AND x.outcome = 'no_show'" }],
        compute: MetricSpec.ratio("numerator", "denominator", percent: true))

    /// 3. The family's statement (here a family of its own, inline; in the product, a few lines
    /// of an existing family's `.sql` file).
    static let family = MetricFamily(name: "no-shows", target: .metrics) { org in
        """
        WITH meetings AS (
            SELECT salesops.local_day(x.occurred_at, \(org.timeZone)) AS day, x.rep_id,
                   count(*) AS meetings, count(*) FILTER (WHERE x.outcome = 'no_show') AS no_shows
            FROM salesops.activities x, kpi_window w
            WHERE x.org_id = \(org.id) AND w.org_id = \(org.id) AND x.kind = 'meeting' AND x.occurred_at >= w.low AND x.occurred_at < w.high
            GROUP BY 1, 2
        )
        INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT \(org.id), p.period_kind, p.period_start, s.scope_kind, s.scope_id, 'meeting_no_show_rate',
               100 * sum(m.no_shows) / NULLIF(sum(m.meetings), 0), sum(m.no_shows), sum(m.meetings)
        FROM meetings m
        JOIN kpi_day_periods p ON p.org_id = \(org.id) AND p.day = m.day
        JOIN kpi_rep_scopes s ON s.org_id = \(org.id) AND s.rep_id = m.rep_id
        GROUP BY 1, 2, 3, 4, 5
        """
    }

    @Test("a throwaway metric is materialized, read, ranked, explained and formatted from its three pieces")
    func throwawayMetric() throws {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        try connection.execute(Query(unescaped: Self.catalogueRow))
        let catalogue = MetricCatalogue.standard.adding(Self.family, specs: [Self.spec])
        let kpi = try KPIFixture(timezone: "Asia/Tokyo", connection: connection)
        try kpi.load(.activities, """
            external_id,rep_external_id,kind,occurred_at,outcome
            m-1,r-dach,meeting,2026-11-03T01:00:00Z,no_show
            m-2,r-dach,meeting,2026-11-03T02:00:00Z,completed
            m-3,r-dach,meeting,2026-11-03T03:00:00Z,completed
            m-4,r-us,meeting,2026-11-03T04:00:00Z,completed
            m-5,r-us,call,2026-11-03T05:00:00Z,no_show
            """)
        _ = try KPIMaterializer(connection: connection, catalogue: catalogue)
            .materialize(org: kpi.org, from: LocalDate("2026-11-01")!, to: LocalDate("2026-11-30")!)

        #expect(catalogue.materializedMetrics.contains("meeting_no_show_rate"))
        #expect(catalogue.unit(of: "meeting_no_show_rate") == .percent)
        try connection.withTenant(kpi.org.id) { session in
            let reader = KPIReader(session: session, catalogue: catalogue)
            let (_, org) = try reader.read(period: "2026-11", scope: .org, metrics: ["meeting_no_show_rate", "meetings"])
            #expect(org.map(\.metric) == ["meeting_no_show_rate", "meetings"], "the order asked")
            #expect(org.first?.value == 25 && org.first?.numerator == 1 && org.first?.denominator == 4)
            let (_, all) = try reader.read(period: "2026-11", scope: .org, metrics: [])
            let listed = all.map(\.metric).filter { $0 == "meetings" || $0 == "meeting_no_show_rate" || $0 == "pipeline_velocity" }
            #expect(listed == ["meetings", "meeting_no_show_rate", "pipeline_velocity"], "the family's place: before the derived family")
            let (_, dach) = try reader.read(period: "2026-11", scope: .team("dach"), metrics: ["meeting_no_show_rate"])
            #expect(dach.first.flatMap(\.value).map { "\($0)".hasPrefix("33.33") } == true)
            let (_, empty) = try reader.read(period: "2026-11-02", scope: .org, metrics: ["meeting_no_show_rate"])
            #expect(empty.first?.value == nil, "a missing ratio reads as no value, not 0")
            // Lower is better: the rep with fewer no-shows ranks first.
            let ranks = try reader.leaderboard(period: try reader.materializedPeriod("2026-11"), metric: "meeting_no_show_rate",
                                               of: .rep, limit: 10, within: .org)
            #expect(ranks.map(\.scopeExternalID) == ["r-us", "r-dach"])

            let explanation = try KPIExplainer(session: session, catalogue: catalogue)
                .explain(ExplainRequest(period: "2026-11", scope: .org, metric: "meeting_no_show_rate"))
            #expect(explanation.aggregation == "ratio")
            #expect(explanation.value == 25 && explanation.materialized.value == 25)
            #expect(explanation.sides.map(\.recordCount) == [4, 1])
        }
    }

    @Test("the README's 'Adding a metric' names exactly those pieces: a catalogue migration, the spec file, the family file")
    func readmeListsThePieces() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../README.md").standardizedFileURL, encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### Adding a metric").dropFirst().first?
            .components(separatedBy: "\n### ").first)
        // The numbered list: from its first item to the blank line that ends it.
        let list = try #require(section.components(separatedBy: "\n1. ").dropFirst().first?.components(separatedBy: "\n\n").first)
            .replacingOccurrences(of: "\n", with: " ")
        let steps = ("1. " + list).components(separatedBy: " ").filter { $0.range(of: #"^[0-9]+\.$"#, options: .regularExpression) != nil }
        #expect(steps == ["1.", "2.", "3."], "three numbered steps: \(steps)")
        let paths = try NSRegularExpression(pattern: "`((?:sql|Sources)/[^`]+)`")
            .matches(in: list, range: NSRange(list.startIndex..., in: list))
            .map { String(list[Range($0.range(at: 1), in: list)!]) }
        #expect(Set(paths) == ["sql/NNN_*.sql", "Sources/SalesOps/Catalogue/MetricSpecs.swift", "Sources/SalesOps/KPI/Families/additive.sql"],
                "\(paths)")
        for path in paths where !path.contains("NNN") {
            #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../\(path)").standardizedFileURL.path), "\(path) exists")
        }
    }
}
