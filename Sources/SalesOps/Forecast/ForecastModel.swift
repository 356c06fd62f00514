import Foundation
import PostgresClient

/// The forecast model of SPEC §10: one statement answers a batch of forecasts — any number
/// of (period, as-of day) cases for any number of scopes — over one reconstruction of the
/// pipeline (`kpi.deal_spells` as of the batch's horizon, cut back to each case's as-of day:
/// a spell seen at the horizon, cut at an earlier instant, is exactly the spell seen then).
/// The reconstruction holds only the deals that can matter from the earliest instant a case
/// looks at (sql/042): what a night rebuilds follows its cases' reach (about two years at
/// most), not the org's age; older history costs one read of its stage changes.
///
/// - **Won to date:** deals whose stage at the end of day `a` is a won stage entered inside the period.
/// - **Open pipeline:** each deal open at the end of `a` counts amount × p, where p is the chance
///   that a deal in its stage, of its age in that stage, is won within the days left in the
///   period. p is learned from the org's own past: the same question asked at 52 past
///   instants, one week apart, each far enough back that its answer was known by `a` (every
///   deal then open in the stage, and whether it was won within that many days). Age in
///   stage falls in four bands (under 7, 30, 90 days, older). Sparse cells lean on their
///   parent: p(stage, band) = (wins + k·p(stage)) ÷ (observed + k), p(stage) likewise on the
///   org's rate across stages, with k = 20 — a stage's configured probability is never used.
///   The rates are the whole org's (more history than any rep has); the scope chooses the deals.
/// - **Not yet created:** the scope's won deals of the last year (at most), each counted for
///   the share of past windows as long as the rest of the period in which it was both
///   created and won: Σ amount × overlap ÷ history days.
/// - **Actual** (cases whose period has ended by the horizon): revenue won in the period per
///   owning rep, as the stage history stood at its end.
struct ForecastModel {
    let session: TenantSession

    /// Pseudo-observations a sparse cell borrows from its parent's rate.
    static let pooling = 20
    /// Past instants the stage rates are learned at, one week apart.
    static let snapshots = 52
    /// The longest history, in days, the not-yet-created rate is learned from.
    static let historyDays = 365

    /// One forecast to make: `period` as of the end of local day `asOf`.
    struct Case: Sendable, Equatable {
        var period: ForecastPeriod
        var asOf: LocalDate
    }

    struct Parts: Sendable, Equatable {
        var won: Forecast.WonToDate
        var open: [Forecast.OpenStagePart]
        var notYetCreated: Forecast.NotYetCreated
        /// Open pipeline weighted by the stages' configured probabilities.
        var configuredOpen: Decimal

        static let empty = Parts(won: .init(deals: 0, amount: 0), open: [], notYetCreated: .init(expected: 0, historyDays: 0),
                                 configuredOpen: 0)

        var value: Decimal { self.won.amount + self.open.reduce(0) { $0 + $1.expected } + self.notYetCreated.expected }
    }

    /// What one batch answered.
    struct Batch: Sendable {
        /// parts[case][scope], in the order both were given.
        var parts: [[Parts]]
        /// Per case: the period's revenue per owning rep, or nil when the period had not ended by the horizon.
        var actuals: [RevenueByRep?]
    }

    /// The forecasts of `cases` for the deals owned by each of `scopes` (nil: every deal),
    /// reading nothing recorded after the end of local day `horizon` in `timeZone`.
    /// - Precondition: every case's as-of day is on or before `horizon`.
    func run(_ cases: [Case], scopes: [[Int64]?], horizon: LocalDate, timeZone: String) throws -> Batch {
        precondition(cases.allSatisfy { $0.asOf <= horizon }, "a case's as-of day lies after the batch's horizon")
        var batch = Batch(parts: Array(repeating: Array(repeating: .empty, count: scopes.count), count: cases.count),
                          actuals: cases.map { $0.period.end <= horizon ? RevenueByRep(amounts: [:]) : nil })
        guard !cases.isEmpty, !scopes.isEmpty else { return batch }
        let wholeScopes = scopes.indices.filter { scopes[$0] == nil }.map(Int64.init)
        let members = scopes.indices.flatMap { index in (scopes[index] ?? []).map { (Int64(index), $0) } }
        let rows = try self.session.connection.query(self.statement(
            cases: cases, wholeScopes: wholeScopes, memberScopes: members.map(\.0), memberReps: members.map(\.1),
            horizon: horizon, timeZone: timeZone)).rows
        for row in rows {
            let caseIndex = try row.decode("case_no", as: Int.self) - 1
            let part = try row.decode("part", as: String.self)
            if part == "actual" {
                batch.actuals[caseIndex]?.amounts[try row.decode("rep_id")] = try row.decode("amount")
                continue
            }
            let scope = try row.decode("scope_no", as: Int.self)
            switch part {
            case "won":
                batch.parts[caseIndex][scope].won = .init(deals: try row.decode("deals"), amount: try row.decode("amount"))
            case "open":
                let amount: Decimal = try row.decode("amount"), expected: Decimal = try row.decode("expected")
                batch.parts[caseIndex][scope].open.append(.init(
                    pipeline: try row.decode("pipeline"), stage: try row.decode("stage"), deals: try row.decode("deals"),
                    amount: amount, winProbability: amount == 0 ? 0 : Self.rounded(expected / amount, 4),
                    expected: Self.rounded(expected, 2), observations: try row.decode("observations")))
                batch.parts[caseIndex][scope].configuredOpen += try row.decode("configured", as: Decimal.self)
            default:
                batch.parts[caseIndex][scope].notYetCreated = .init(expected: Self.rounded(try row.decode("expected"), 2),
                                                                    historyDays: try row.decode("deals"))
            }
        }
        for caseIndex in batch.parts.indices {
            for scope in batch.parts[caseIndex].indices {
                batch.parts[caseIndex][scope].configuredOpen = Self.rounded(batch.parts[caseIndex][scope].configuredOpen, 2)
            }
        }
        return batch
    }

    /// The forecast of one case for one scope.
    func parts(_ forecastCase: Case, reps: [Int64]?, timeZone: String) throws -> Parts {
        try self.run([forecastCase], scopes: [reps], horizon: forecastCase.asOf, timeZone: timeZone).parts[0][0]
    }

    private func statement(cases: [Case], wholeScopes: [Int64], memberScopes: [Int64], memberReps: [Int64],
                           horizon: LocalDate, timeZone: String) -> Query {
        let org = self.session.orgID
        let lastWeek = Self.snapshots - 1
        // Where the snapshots' microseconds count from: the batch's horizon, near every instant they compare.
        let origin = Date(timeIntervalSince1970: Double(horizon.adding(days: 1).dayNumber) * 86_400)
        // Every step aggregates what it can before a scope multiplies it: the scopes of a night
        // (the org, every team, every rep) see the same deals many times over.
        return """
            WITH case_days AS (
                SELECT c.case_no::integer AS case_no,
                       salesops.day_start(c.first_day, \(timeZone)) AS low,
                       salesops.day_start(c.as_of + 1, \(timeZone)) AS known_by,
                       (c.last_day - c.as_of)::integer AS remaining,
                       CASE WHEN c.last_day <= \(horizon)::date THEN salesops.day_start(c.last_day + 1, \(timeZone)) END AS closed_by
                FROM unnest(\(cases.map(\.period.start))::date[], \(cases.map(\.asOf))::date[], \(cases.map(\.period.end))::date[])
                     WITH ORDINALITY AS c(first_day, as_of, last_day, case_no)
            ), cases AS MATERIALIZED (
                SELECT d.*, GREATEST(1, ceil(d.remaining / 7.0)::integer) AS first_week,
                       extract(epoch FROM d.known_by) / 86400 - d.remaining AS last_days
                FROM case_days d
            ), scopes AS (
                SELECT s.scope_no::integer AS scope_no FROM unnest(\(wholeScopes)::bigint[]) AS s(scope_no)
                UNION
                SELECT s.scope_no::integer FROM unnest(\(memberScopes)::bigint[]) AS s(scope_no)
            ), reach AS (
                -- The earliest instant any case looks at: its period's start, the first window of
                -- its not-yet-created rate, and its snapshots (the last of its group's weeks).
                SELECT least(min(c.low), min(c.known_by - make_interval(days => (c.remaining + \(Self.historyDays))::integer)),
                             min(c.known_by - (g.last_week * interval '168 hours'))) AS since
                FROM cases c
                JOIN (SELECT known_by, max(first_week) + \(lastWeek) AS last_week FROM cases GROUP BY known_by) g
                  ON g.known_by = c.known_by
            ), spells AS MATERIALIZED (
                -- The stays of every deal that can matter from that instant on (sql/042): the
                -- rebuild follows the cases' reach, not the org's whole history.
                SELECT s.* FROM reach r
                CROSS JOIN LATERAL kpi.deal_spells(\(org), salesops.day_start(\(horizon.adding(days: 1)), \(timeZone)), r.since) s
            ), owners AS MATERIALIZED (
                -- Every owner of a deal created by the horizon, and that owner's first deal.
                SELECT d.owner_rep_id AS rep_id, min(d.created_at) AS first_at
                FROM salesops.deals d
                WHERE d.org_id = \(org) AND d.created_at < salesops.day_start(\(horizon.adding(days: 1)), \(timeZone))
                GROUP BY d.owner_rep_id
            ), scope_reps AS (
                -- Each scope with every rep whose deals it counts: a scope of the whole org counts every owner.
                SELECT m.scope_no::integer AS scope_no, m.rep_id
                FROM unnest(\(memberScopes)::bigint[], \(memberReps)::bigint[]) AS m(scope_no, rep_id)
                UNION ALL
                SELECT w.scope_no::integer, o.rep_id
                FROM unnest(\(wholeScopes)::bigint[]) AS w(scope_no)
                CROSS JOIN owners o
            ), wins AS MATERIALIZED (
                -- Each won deal's entries into a won stage: the first, and all of them when there are more.
                SELECT s.deal_id, min(s.entered_at) AS first_win, CASE WHEN count(*) > 1 THEN array_agg(s.entered_at) END AS all_wins
                FROM spells s WHERE s.stage_kind = 'won' GROUP BY s.deal_id
            ), open_spells AS MATERIALIZED (
                -- Each open stay and its deal's first win from when it ended on (at or after its end,
                -- and strictly after it, for a snapshot at that very instant): a deal open at a
                -- snapshot inside the stay cannot win before the stay ends. Its instants also in
                -- whole microseconds, converted once here: the snapshots below do integer arithmetic.
                SELECT o.stage_id, o.created_at, o.entered_at, o.left_at,
                       \(Self.microseconds("o.entered_at", since: origin)) AS entered_us,
                       \(Self.microseconds("o.left_at", since: origin)) AS left_us,
                       \(Self.microseconds("o.win_from_end", since: origin)) AS win_from_end_us,
                       \(Self.microseconds("o.win_after_end", since: origin)) AS win_after_end_us
                FROM (SELECT s.stage_id, s.created_at, s.entered_at, s.left_at,
                             CASE WHEN s.left_at IS NULL OR w.first_win IS NULL THEN NULL
                                  WHEN w.all_wins IS NULL THEN CASE WHEN w.first_win >= s.left_at THEN w.first_win END
                                  ELSE (SELECT min(t) FROM unnest(w.all_wins) AS t WHERE t >= s.left_at) END AS win_from_end,
                             CASE WHEN s.left_at IS NULL OR w.first_win IS NULL THEN NULL
                                  WHEN w.all_wins IS NULL THEN CASE WHEN w.first_win > s.left_at THEN w.first_win END
                                  ELSE (SELECT min(t) FROM unnest(w.all_wins) AS t WHERE t > s.left_at) END AS win_after_end
                      FROM spells s LEFT JOIN wins w ON w.deal_id = s.deal_id
                      WHERE s.stage_kind = 'open') o
            ), snapshot_groups AS (
                -- The snapshots of a case are at known_by − w weeks (of 168 hours) for w from
                -- first_week on, `snapshots` of them. Cases with one as-of instant (a night's month,
                -- quarter and year) share them: each group spans the weeks of all its cases, and
                -- tells a win within the most days any of them has left from a later one.
                SELECT c.known_by, \(Self.microseconds("c.known_by", since: origin)) AS known_us, min(c.first_week) AS first_week,
                       max(c.first_week) + \(lastWeek) AS last_week, max(c.remaining) AS most_remaining
                FROM cases c GROUP BY c.known_by
            ), snapshot_stays AS (
                -- Each open stay meets the weeks whose instant it spans, entered_at < at <= left_at,
                -- found by integer arithmetic on microseconds. Its deal was won within d days (of 24
                -- hours) of the instant for every d from days_to_win on: its next win, if that came
                -- before the group's instant (a win later than every case's days left counts as none).
                SELECT n.known_by, n.w, n.stage_id, n.band,
                       CASE WHEN n.win_us - n.at_us <= n.most_remaining::bigint * \(unescaped: Self.dayMicroseconds)
                            THEN (n.win_us - n.at_us + \(unescaped: Self.dayMicroseconds) - 1) / \(unescaped: Self.dayMicroseconds) END AS days_to_win
                FROM (SELECT g.known_by, g.most_remaining, w, s.stage_id, i.at_us,
                             \(unescaped: Self.ageBand("i.at_us - s.entered_us", days: Self.days)) AS band,
                             CASE WHEN s.left_us = i.at_us THEN s.win_after_end_us ELSE s.win_from_end_us END AS next_win_us,
                             g.known_us
                      FROM snapshot_groups g
                      JOIN open_spells s ON s.created_at < g.known_by AND s.entered_at < g.known_by
                       AND (s.left_at IS NULL OR s.left_at >= g.known_by - g.last_week * interval '168 hours')
                      CROSS JOIN LATERAL generate_series(
                          GREATEST(g.first_week, (g.known_us - s.left_us + \(unescaped: Self.weekMicroseconds) - 1) / \(unescaped: Self.weekMicroseconds)),
                          LEAST(g.last_week, (g.known_us - s.entered_us + \(unescaped: Self.weekMicroseconds) - 1) / \(unescaped: Self.weekMicroseconds) - 1)) AS w
                      CROSS JOIN LATERAL (SELECT g.known_us - w * \(unescaped: Self.weekMicroseconds) AS at_us) i) m
                CROSS JOIN LATERAL (SELECT m.*, CASE WHEN m.next_win_us < m.known_us THEN m.next_win_us END AS win_us) n
            ), stay_weeks AS (
                -- The stays of a group's week, stage, age band and days to a win, counted: what the
                -- cases below read, a fraction of the rows.
                SELECT o.known_by, o.w, o.stage_id, o.band, o.days_to_win, count(*) AS stays
                FROM snapshot_stays o
                GROUP BY o.known_by, o.w, o.stage_id, o.band, o.days_to_win
            ), cells AS MATERIALIZED (
                -- Per case, stage and age band: its snapshots, and those whose deal was won within
                -- the case's days left.
                SELECT c.case_no, o.stage_id, o.band, sum(o.stays)::bigint AS n,
                       COALESCE(sum(o.stays) FILTER (WHERE o.days_to_win <= c.remaining), 0)::bigint AS wins
                FROM stay_weeks o
                JOIN cases c ON c.known_by = o.known_by AND o.w BETWEEN c.first_week AND c.first_week + \(lastWeek)
                GROUP BY c.case_no, o.stage_id, o.band
            ), overall AS (
                SELECT c.case_no, COALESCE(sum(c.wins) / NULLIF(sum(c.n), 0), 0)::numeric AS p FROM cells c GROUP BY c.case_no
            ), per_stage AS MATERIALIZED (
                SELECT c.case_no, c.stage_id, sum(c.n)::bigint AS n, (sum(c.wins) + \(Self.pooling) * o.p) / (sum(c.n) + \(Self.pooling)) AS p
                FROM cells c JOIN overall o ON o.case_no = c.case_no
                GROUP BY c.case_no, c.stage_id, o.p
            ), per_cell AS MATERIALIZED (
                SELECT c.case_no, c.stage_id, c.band, (c.wins + \(Self.pooling) * s.p) / (c.n + \(Self.pooling)) AS p
                FROM cells c JOIN per_stage s ON s.case_no = c.case_no AND s.stage_id = c.stage_id
            ), candidates AS MATERIALIZED (
                -- The spells a case may count: wins, and open stays running at some case's as-of instant.
                -- A win's instants also in days since the epoch, for the not-yet-created rate.
                SELECT s.*,
                       CASE WHEN s.stage_kind = 'won' THEN extract(epoch FROM s.created_at) / 86400 END AS created_days,
                       CASE WHEN s.stage_kind = 'won' THEN extract(epoch FROM s.entered_at) / 86400 END AS entered_days
                FROM spells s
                WHERE s.stage_kind = 'won'
                   OR (s.stage_kind = 'open' AND (s.left_at IS NULL OR s.left_at >= (SELECT min(c.known_by) FROM cases c)))
            ), case_deals AS MATERIALIZED (
                -- Each case's view of the spells it needs, before any scope: wins begun by its as-of
                -- instant (those won in the period, or of deals created late enough to fall in a
                -- window of the not-yet-created rate), and open stays running then.
                SELECT c.case_no, c.low, c.known_by, c.remaining, c.last_days, s.owner_rep_id, s.deal_id, s.stage_id, s.stage_kind,
                       s.amount, s.created_at, s.entered_at, s.created_days, s.entered_days,
                       (s.left_at IS NULL OR s.left_at >= c.known_by) AS current
                FROM candidates s JOIN cases c ON s.entered_at < c.known_by AND s.created_at < c.known_by
                WHERE (s.stage_kind = 'won'
                       AND (s.entered_at >= c.low OR s.created_at >= c.known_by - make_interval(days => (c.remaining + \(Self.historyDays))::integer)))
                   OR (s.stage_kind = 'open' AND (s.left_at IS NULL OR s.left_at >= c.known_by))
            ), open_groups AS MATERIALIZED (
                -- The open deals of each case, owner, stage and age band, and their expected revenue.
                SELECT g.case_no, g.owner_rep_id, g.stage_id, g.deals, g.amount, g.amount * COALESCE(c.p, ps.p, ov.p, 0) AS expected
                FROM (SELECT d.case_no, d.owner_rep_id, d.stage_id, \(unescaped: Self.ageBand("d.known_by - d.entered_at")) AS band,
                             count(*) AS deals, sum(d.amount) AS amount
                      FROM case_deals d WHERE d.current AND d.stage_kind = 'open'
                      GROUP BY 1, 2, 3, 4) g
                LEFT JOIN overall ov ON ov.case_no = g.case_no
                LEFT JOIN per_cell c ON c.case_no = g.case_no AND c.stage_id = g.stage_id AND c.band = g.band
                LEFT JOIN per_stage ps ON ps.case_no = g.case_no AND ps.stage_id = g.stage_id
            ), open_parts AS (
                SELECT o.case_no, r.scope_no, o.stage_id, sum(o.deals)::bigint AS deals, sum(o.amount) AS amount,
                       sum(o.expected) AS expected
                FROM open_groups o JOIN scope_reps r ON r.rep_id = o.owner_rep_id
                GROUP BY o.case_no, r.scope_no, o.stage_id
            ), won AS (
                SELECT w.case_no, r.scope_no, sum(w.deals)::bigint AS deals, sum(w.amount) AS amount
                FROM (SELECT d.case_no, d.owner_rep_id, count(*) AS deals, sum(d.amount) AS amount
                      FROM case_deals d WHERE d.current AND d.stage_kind = 'won' AND d.entered_at >= d.low
                      GROUP BY d.case_no, d.owner_rep_id) w
                JOIN scope_reps r ON r.rep_id = w.owner_rep_id
                GROUP BY w.case_no, r.scope_no
            ), first_wins AS MATERIALIZED (
                -- Each won deal that adds to a case's not-yet-created rate, in days: the window starts
                -- it counts in lie after its first win less the days left and up to its creation (at
                -- most the last start). It adds nothing when that range is empty, or when it was
                -- created more than a year before the last start (no history reaches back so far).
                SELECT f.case_no, f.owner_rep_id, f.amount, f.created, f.won_less_remaining, f.last
                FROM (SELECT d.case_no, d.owner_rep_id, min(d.amount) AS amount,
                             LEAST(min(d.created_days), min(d.last_days)) AS created,
                             min(d.entered_days) - min(d.remaining) AS won_less_remaining, min(d.last_days) AS last
                      FROM case_deals d WHERE d.stage_kind = 'won'
                      GROUP BY d.case_no, d.owner_rep_id, d.deal_id) f
                WHERE f.created > f.won_less_remaining AND f.created > f.last - \(Self.historyDays)
            ), first_created AS (
                -- A scope's first deal, if created before a case's as-of instant, starts that case's history.
                SELECT r.scope_no, min(o.first_at) AS at
                FROM owners o
                JOIN scope_reps r ON r.rep_id = o.rep_id
                GROUP BY r.scope_no
            ), window_ends AS (
                -- Window starts run over [last - history, last]: every window of `remaining` days
                -- that had ended by known_by, over at most a year of the scope's history.
                SELECT c.case_no, sc.scope_no, c.last_days AS last,
                       LEAST(\(Self.historyDays), GREATEST(0, c.last_days - extract(epoch FROM h.at) / 86400)) AS history
                FROM cases c CROSS JOIN scopes sc
                LEFT JOIN first_created h ON h.scope_no = sc.scope_no AND h.at < c.known_by
            ), owner_year_parts AS (
                -- Each owner's wins summed once per case for the scopes whose history spans the whole
                -- year (most of them: their windows all start after the same instant, last − year).
                SELECT f.case_no, f.owner_rep_id,
                       sum(f.amount * GREATEST(0, f.created - GREATEST(f.won_less_remaining, f.last - \(Self.historyDays)))) AS part
                FROM first_wins f
                GROUP BY f.case_no, f.owner_rep_id
            ), year_parts AS (
                -- A scope's sum when its history spans the whole year: its owners' sums added.
                SELECT p.case_no, r.scope_no, sum(p.part) AS part
                FROM owner_year_parts p JOIN scope_reps r ON r.rep_id = p.owner_rep_id
                GROUP BY p.case_no, r.scope_no
            ), young_parts AS (
                -- A younger scope's sum, deal by deal: its windows start at its first deal.
                SELECT e.case_no, e.scope_no,
                       sum(f.amount * GREATEST(0, f.created - GREATEST(f.won_less_remaining, e.last - e.history))) AS part
                FROM window_ends e
                JOIN scope_reps r ON r.scope_no = e.scope_no
                JOIN first_wins f ON f.case_no = e.case_no AND f.owner_rep_id = r.rep_id
                WHERE e.history < \(Self.historyDays)
                GROUP BY e.case_no, e.scope_no
            ), new_deals AS (
                SELECT e.case_no, e.scope_no,
                       COALESCE(CASE WHEN e.history = \(Self.historyDays) THEN y.part ELSE g.part END / NULLIF(e.history, 0), 0) AS expected,
                       floor(COALESCE(e.history, 0))::integer AS history_days
                FROM window_ends e
                LEFT JOIN year_parts y ON y.case_no = e.case_no AND y.scope_no = e.scope_no
                LEFT JOIN young_parts g ON g.case_no = e.case_no AND g.scope_no = e.scope_no
            ), actual AS (
                SELECT c.case_no, s.owner_rep_id, sum(s.amount) AS amount
                FROM spells s JOIN cases c
                  ON c.closed_by IS NOT NULL AND s.stage_kind = 'won' AND s.entered_at >= c.low AND s.entered_at < c.closed_by
                 AND s.created_at < c.closed_by
                 AND (s.left_at IS NULL OR s.left_at >= c.closed_by)
                GROUP BY c.case_no, s.owner_rep_id
            )
            SELECT 'won' AS part, w.case_no, w.scope_no, NULL::text AS pipeline, NULL::text AS stage, NULL::integer AS position,
                   w.deals, w.amount, w.amount AS expected, NULL::numeric AS configured, NULL::bigint AS observations,
                   NULL::bigint AS rep_id
            FROM won w
            UNION ALL
            SELECT 'open', o.case_no, o.scope_no, p.name, st.name, st.position, o.deals, o.amount, o.expected,
                   o.amount * st.probability / 100, COALESCE(ps.n, 0), NULL
            FROM open_parts o
            JOIN salesops.stages st ON st.org_id = \(org) AND st.id = o.stage_id
            JOIN salesops.pipelines p ON p.org_id = \(org) AND p.id = st.pipeline_id
            LEFT JOIN per_stage ps ON ps.case_no = o.case_no AND ps.stage_id = o.stage_id
            UNION ALL
            SELECT 'new', n.case_no, n.scope_no, NULL, NULL, NULL, n.history_days, NULL, n.expected, NULL, NULL, NULL
            FROM new_deals n
            UNION ALL
            SELECT 'actual', a.case_no, NULL, NULL, NULL, NULL, NULL, a.amount, NULL, NULL, NULL, a.owner_rep_id
            FROM actual a
            ORDER BY 2, 3, 1, 4, 6
            """
    }

    /// The age band (0–3) of a deal that has sat `age` in its stage: under 7, 30, 90 days, older.
    /// - Parameter days: an SQL literal of that many days in `age`'s unit (an interval by default).
    static func ageBand(_ age: String, days: (Int64) -> String = { "interval '\($0) days'" }) -> String {
        "(CASE WHEN \(age) < \(days(7)) THEN 0 WHEN \(age) < \(days(30)) THEN 1 WHEN \(age) < \(days(90)) THEN 2 ELSE 3 END)"
    }

    /// Microseconds in a week and in a day (of 24 hours), as SQL literals.
    static let weekMicroseconds = days(7), dayMicroseconds = days(1)

    /// Microseconds in `count` days of 24 hours, as an SQL literal.
    static func days(_ count: Int64) -> String { "\(count * 86_400_000_000)::bigint" }

    /// The instant `timestamp` (an SQL expression) as whole microseconds after `origin`, for
    /// integer arithmetic over many rows; NULL stays NULL. Through a double, not a numeric (a
    /// third of the cost): exact within ±60 years of `origin`, where a double holds the seconds
    /// to better than a quarter of a microsecond and rounding restores the whole number.
    static func microseconds(_ timestamp: String, since origin: Date) -> Query {
        "round(date_part('epoch', \(unescaped: timestamp) - \(origin)) * 1000000)::bigint"
    }

    /// `value` to `scale` decimal places (half away from zero).
    static func rounded(_ value: Decimal, _ scale: Int) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }
}
