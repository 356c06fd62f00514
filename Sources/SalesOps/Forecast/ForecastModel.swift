import Foundation
import PostgresClient

/// The forecast model of SPEC §10, one statement over the pipeline as it stood
/// (`kpi.deal_spells`, which reads only what was recorded by the end of the as-of day).
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
struct ForecastModel {
    let session: TenantSession

    /// Pseudo-observations a sparse cell borrows from its parent's rate.
    static let pooling = 20
    /// Past instants the stage rates are learned at, one week apart.
    static let snapshots = 52

    struct Parts: Sendable, Equatable {
        var won: Forecast.WonToDate
        var open: [Forecast.OpenStagePart]
        var notYetCreated: Forecast.NotYetCreated
        /// Open pipeline weighted by the stages' configured probabilities.
        var configuredOpen: Decimal

        var value: Decimal { self.won.amount + self.open.reduce(0) { $0 + $1.expected } + self.notYetCreated.expected }
    }

    /// The parts of the forecast of `period` for the deals owned by `reps` (every deal when
    /// nil), as of the end of local day `asOf` in `timeZone`.
    func parts(period: ForecastPeriod, reps: [Int64]?, asOf: LocalDate, timeZone: String) throws -> Parts {
        let remaining = asOf.days(to: period.end)
        let org = self.session.orgID
        let rows = try self.session.connection.query("""
            WITH bounds AS (
                SELECT salesops.day_start(\(period.start), \(timeZone)) AS low,
                       salesops.day_start(\(asOf.adding(days: 1)), \(timeZone)) AS known_by,
                       \(remaining)::integer AS remaining
            ), spells AS MATERIALIZED (
                -- Each spell carries its deal's won entries, so no join needs the planner's estimates.
                SELECT s.*, (\(reps)::bigint[] IS NULL OR s.owner_rep_id = ANY(\(reps)::bigint[])) AS in_scope,
                       array_agg(s.entered_at) FILTER (WHERE s.stage_kind = 'won') OVER (PARTITION BY s.deal_id) AS won_times
                FROM bounds b CROSS JOIN LATERAL kpi.deal_spells(\(org), b.known_by) s
            ), snapshots AS (
                SELECT b.known_by - make_interval(days => (7 * k)::integer) AS at
                FROM bounds b,
                     generate_series(GREATEST(1, ceil(b.remaining / 7.0)::integer),
                                     GREATEST(1, ceil(b.remaining / 7.0)::integer) + \(Self.snapshots - 1)) AS k
            ), observed AS (
                SELECT s.stage_id, \(unescaped: Self.ageBand("n.at - s.entered_at")) AS band,
                       COALESCE((SELECT bool_or(t > n.at AND t <= n.at + make_interval(days => b.remaining)) FROM unnest(s.won_times) AS t),
                                false) AS won
                FROM spells s
                JOIN snapshots n ON s.entered_at < n.at AND (s.left_at IS NULL OR s.left_at >= n.at)
                CROSS JOIN bounds b
                WHERE s.stage_kind = 'open'
            ), counted AS (
                SELECT stage_id, band, count(*) AS n, count(*) FILTER (WHERE won) AS wins, GROUPING(stage_id, band) AS level
                FROM observed
                GROUP BY GROUPING SETS ((stage_id, band), (stage_id), ())
            ), overall AS (
                SELECT COALESCE(sum(wins) / NULLIF(sum(n), 0), 0)::numeric AS p FROM counted WHERE level = 3
            ), per_stage AS (
                SELECT c.stage_id, c.n, (c.wins + \(Self.pooling) * o.p) / (c.n + \(Self.pooling)) AS p
                FROM counted c CROSS JOIN overall o WHERE c.level = 1
            ), per_cell AS (
                SELECT c.stage_id, c.band, (c.wins + \(Self.pooling) * s.p) / (c.n + \(Self.pooling)) AS p
                FROM counted c JOIN per_stage s ON s.stage_id = c.stage_id WHERE c.level = 0
            ), open_now AS (
                SELECT s.stage_id, s.amount, \(unescaped: Self.ageBand("b.known_by - s.entered_at")) AS band
                FROM spells s CROSS JOIN bounds b
                WHERE s.in_scope AND s.stage_kind = 'open' AND s.left_at IS NULL
            ), open_parts AS (
                SELECT o.stage_id, count(*) AS deals, sum(o.amount) AS amount,
                       sum(o.amount * COALESCE(c.p, ps.p, ov.p)) AS expected,
                       sum(o.amount * st.probability / 100) AS configured,
                       COALESCE(max(ps.n), 0) AS observations
                FROM open_now o
                CROSS JOIN overall ov
                LEFT JOIN per_cell c ON c.stage_id = o.stage_id AND c.band = o.band
                LEFT JOIN per_stage ps ON ps.stage_id = o.stage_id
                JOIN salesops.stages st ON st.org_id = \(org) AND st.id = o.stage_id
                GROUP BY o.stage_id
            ), won AS (
                SELECT count(*) AS deals, COALESCE(sum(s.amount), 0) AS amount
                FROM spells s CROSS JOIN bounds b
                WHERE s.in_scope AND s.stage_kind = 'won' AND s.left_at IS NULL AND s.entered_at >= b.low
            ), first_wins AS (
                SELECT s.deal_id, min(s.amount) AS amount, extract(epoch FROM min(s.created_at)) / 86400 AS created,
                       extract(epoch FROM min(s.entered_at)) / 86400 AS won
                FROM spells s WHERE s.in_scope AND s.stage_kind = 'won'
                GROUP BY s.deal_id
            ), window_ends AS (
                -- Window starts run over [last - history, last]: every window of `remaining` days
                -- that had ended by known_by, over at most a year of the scope's history.
                SELECT extract(epoch FROM b.known_by) / 86400 - b.remaining AS last,
                       LEAST(365, GREATEST(0, extract(epoch FROM b.known_by) / 86400 - b.remaining
                                              - (SELECT extract(epoch FROM min(s.created_at)) / 86400 FROM spells s WHERE s.in_scope))) AS history,
                       b.remaining
                FROM bounds b
            ), new_deals AS (
                SELECT COALESCE(sum(w.amount * GREATEST(0, LEAST(w.created, e.last) - GREATEST(w.won - e.remaining, e.last - e.history)))
                                / NULLIF(e.history, 0), 0) AS expected,
                       floor(COALESCE(e.history, 0))::integer AS history_days
                FROM window_ends e LEFT JOIN first_wins w ON true
                GROUP BY e.history
            )
            SELECT 'won' AS part, NULL::text AS pipeline, NULL::text AS stage, NULL::integer AS position, w.deals, w.amount,
                   w.amount AS expected, NULL::numeric AS configured, NULL::bigint AS observations
            FROM won w
            UNION ALL
            SELECT 'open', p.name, st.name, st.position, o.deals, o.amount, o.expected, o.configured, o.observations
            FROM open_parts o
            JOIN salesops.stages st ON st.org_id = \(org) AND st.id = o.stage_id
            JOIN salesops.pipelines p ON p.org_id = \(org) AND p.id = st.pipeline_id
            UNION ALL
            SELECT 'new', NULL, NULL, NULL, n.history_days, NULL, n.expected, NULL, NULL FROM new_deals n
            ORDER BY 1, 2, 4
            """).rows
        var parts = Parts(won: .init(deals: 0, amount: 0), open: [], notYetCreated: .init(expected: 0, historyDays: 0), configuredOpen: 0)
        for row in rows {
            switch try row.decode("part", as: String.self) {
            case "won":
                parts.won = .init(deals: try row.decode("deals"), amount: try row.decode("amount"))
            case "open":
                let amount: Decimal = try row.decode("amount"), expected: Decimal = try row.decode("expected")
                parts.open.append(.init(pipeline: try row.decode("pipeline"), stage: try row.decode("stage"), deals: try row.decode("deals"),
                                        amount: amount, winProbability: amount == 0 ? 0 : Self.rounded(expected / amount, 4),
                                        expected: Self.rounded(expected, 2), observations: try row.decode("observations")))
                parts.configuredOpen += try row.decode("configured", as: Decimal.self)
            default:
                parts.notYetCreated = .init(expected: Self.rounded(try row.decode("expected"), 2), historyDays: try row.decode("deals"))
            }
        }
        parts.configuredOpen = Self.rounded(parts.configuredOpen, 2)
        return parts
    }

    /// The age band (0–3) of a deal that has sat `interval` in its stage.
    static func ageBand(_ interval: String) -> String {
        "(CASE WHEN \(interval) < interval '7 days' THEN 0 WHEN \(interval) < interval '30 days' THEN 1 "
            + "WHEN \(interval) < interval '90 days' THEN 2 ELSE 3 END)"
    }

    /// `value` to `scale` decimal places (half away from zero).
    static func rounded(_ value: Decimal, _ scale: Int) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }
}
