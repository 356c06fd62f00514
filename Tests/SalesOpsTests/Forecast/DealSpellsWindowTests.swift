import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// `kpi.deal_spells(org, known_by, since)` (sql/042) keeps only the deals that can matter from
/// `since` on, each with all its spells: what a forecast's window needs, whatever came before.
@Suite("Deal spells from an instant on: every deal that can matter, whole, and no other")
struct DealSpellsWindowTests {
    static let knownBy = "2026-06-01T00:00:00Z"
    static let since = "2025-06-01T00:00:00Z"

    /// Deals around `since`: open, closed and reopened before it, with or without recorded
    /// changes, closed inside the window, changed only after `knownBy`, created after it.
    static func org() throws -> KPIFixture {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.stages, "pipeline,name,position,kind\nP,Talk,4,open\n")
        try kpi.deals([
            "zombie,r-dach,Talk,100,2023-01-10T09:00:00Z,",
            "old-won,r-dach,Won,100,2023-01-10T09:00:00Z,2023-03-01T09:00:00Z",
            "old-won-quiet,r-emea,Won,100,2023-01-10T09:00:00Z,2023-03-01T09:00:00Z",
            "old-open-quiet,r-emea,Open,100,2023-01-10T09:00:00Z,",
            "late-change,r-us,Won,100,2023-01-10T09:00:00Z,2026-09-01T09:00:00Z",
            "reopened,r-dach,Talk,100,2023-01-10T09:00:00Z,",
            "closed-in-window,r-dach,Lost,100,2023-01-10T09:00:00Z,2025-08-01T09:00:00Z",
            "new,r-emea,Lost,100,2025-09-01T09:00:00Z,2025-10-01T09:00:00Z",
            "after-horizon,r-emea,Open,100,2026-07-01T09:00:00Z,",
        ])
        try kpi.load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            zombie,Open,Talk,2023-02-01T09:00:00Z
            old-won,Open,Won,2023-03-01T09:00:00Z
            late-change,Open,Won,2026-09-01T09:00:00Z
            reopened,Open,Won,2023-03-01T09:00:00Z
            reopened,Won,Talk,2023-06-01T09:00:00Z
            closed-in-window,Open,Lost,2025-08-01T09:00:00Z
            new,Open,Lost,2025-10-01T09:00:00Z
            """)
        return kpi
    }

    /// Each spell as one line (deal, stage, entered, left), sorted.
    static func spells(_ kpi: KPIFixture, since: String?) throws -> [String] {
        let call: Query = since.map { "kpi.deal_spells(\(kpi.org.id), \(Self.knownBy)::timestamptz, \($0)::timestamptz)" }
            ?? "kpi.deal_spells(\(kpi.org.id), \(Self.knownBy)::timestamptz)"
        return try kpi.connection.query("""
            SELECT d.external_id || ' ' || st.name || ' ' || s.entered_at::text || ' ' || coalesce(s.left_at::text, '-') AS spell
            FROM \(call) s
            JOIN salesops.deals d ON d.org_id = \(kpi.org.id) AND d.id = s.deal_id
            JOIN salesops.stages st ON st.org_id = \(kpi.org.id) AND st.id = s.stage_id
            ORDER BY 1
            """).rows.map { try $0.decode("spell", as: String.self) }
    }

    @Test("the deals open, entering a stage or created from `since` on come whole; deals closed before it stay out")
    func windowKeepsWhatMatters() throws {
        let kpi = try Self.org()
        let all = try Self.spells(kpi, since: nil)
        let cut = try Self.spells(kpi, since: Self.since)
        let deals = { (spells: [String]) in Set(spells.map { String($0.split(separator: " ")[0]) }) }
        #expect(deals(cut) == ["zombie", "old-open-quiet", "late-change", "reopened", "closed-in-window", "new"])
        // Every deal it keeps comes with every spell it has; it invents none.
        #expect(cut == all.filter { deals(cut).contains(String($0.split(separator: " ")[0])) })
        #expect(!deals(all).contains("after-horizon"), "a deal created after known_by is not known")
        #expect(deals(all).isSuperset(of: ["old-won", "old-won-quiet"]))
    }

    @Test("from the beginning of time it is the two-argument function, spell for spell")
    func fromTheBeginningIsEverything() throws {
        let kpi = try Self.org()
        #expect(try Self.spells(kpi, since: "-infinity") == (try Self.spells(kpi, since: nil)))
        #expect(try Self.spells(kpi, since: "2020-01-01T00:00:00Z") == (try Self.spells(kpi, since: nil)))
    }
}

/// The stage a deal sat in from its creation, and which events end a spell, where the history
/// is unusual: a change recorded before the deal's creation, a first change only after
/// known_by, and a close that the recorded changes contradict.
@Suite("Deal spells: the creation's stage and the spells' ends at the edges of the history")
struct DealSpellsRulesTests {
    static let knownBy = "2026-06-01T00:00:00Z"

    static func spells(_ kpi: KPIFixture, since: String) throws -> [String] {
        try kpi.connection.query("""
            SELECT d.external_id || ' ' || st.name || ' ' || to_char(s.entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' '
                   || coalesce(to_char(s.left_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-') AS spell
            FROM kpi.deal_spells(\(kpi.org.id), \(Self.knownBy)::timestamptz, \(since)::timestamptz) s
            JOIN salesops.deals d ON d.org_id = \(kpi.org.id) AND d.id = s.deal_id
            JOIN salesops.stages st ON st.org_id = \(kpi.org.id) AND st.id = s.stage_id
            ORDER BY d.external_id, s.entered_at
            """).rows.map { try $0.decode("spell", as: String.self) }
    }

    @Test("the first change's from-stage, also before the creation or after known_by; a close only without changes")
    func creationStageAndEnds() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.stages, "pipeline,name,position,kind\nP,Talk,4,open\n")
        try kpi.deals([
            "early-change,r-dach,Talk,100,2025-03-10T09:00:00Z,",
            "late-first,r-dach,Won,100,2025-01-10T09:00:00Z,2026-09-01T09:00:00Z",
            "quiet-lost,r-dach,Lost,100,2025-01-10T09:00:00Z,2025-02-01T09:00:00Z",
            "contradicted,r-dach,Won,100,2025-01-10T09:00:00Z,2025-01-20T09:00:00Z",
        ])
        try kpi.load(.stageChanges, """
            deal_external_id,from_stage,to_stage,changed_at
            early-change,Talk,Open,2025-03-01T09:00:00Z
            early-change,Open,Talk,2025-04-01T09:00:00Z
            late-first,Talk,Won,2026-09-01T09:00:00Z
            contradicted,Open,Won,2025-02-01T09:00:00Z
            """)
        let expected = [
            // Changed before it was created: it was created in that change's from-stage.
            "contradicted Open 2025-01-10 09:00 2025-02-01 09:00",
            "contradicted Won 2025-02-01 09:00 -",  // the recorded change, not the row's close
            "early-change Open 2025-03-01 09:00 2025-03-10 09:00",
            "early-change Talk 2025-03-10 09:00 2025-04-01 09:00",
            "early-change Talk 2025-04-01 09:00 -",
            "late-first Talk 2025-01-10 09:00 -",  // its first change, after known_by, names the stage
            "quiet-lost Open 2025-01-10 09:00 2025-02-01 09:00",  // no changes: the close ends the entry stage
            "quiet-lost Lost 2025-02-01 09:00 -",
        ]
        #expect(try Self.spells(kpi, since: "-infinity") == expected)
        // From an instant on: the deals that can matter then, each whole.
        #expect(try Self.spells(kpi, since: "2025-03-05T00:00:00Z") == expected.filter { !$0.hasPrefix("quiet-lost") && !$0.hasPrefix("contradicted") })
    }
}
