-- The deal_history family (metrics facts).
--
-- Deal metrics that look beyond one period's events (SPEC §5.2, Deals and revenue; Activities):
--
-- - `touches_per_won_deal`: activities linked to deals won in P and occurring by the close,
-- over those deals.
-- - `revenue_growth_rate`: revenue of P against the previous period Q of the same kind, all
-- of Q when P is complete, else Q's first (e − ps + 1) days, capped at Q's end.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE deal_history(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE deal_history(<org id>, '<time zone>');
WITH comparisons AS (
    SELECT p.period_kind, p.period_start, p.stop, previous.start AS q_start,
           CASE WHEN p.stop = p.period_end THEN p.period_start - 1
                ELSE LEAST(previous.start + (p.stop - p.period_start), p.period_start - 1) END AS q_stop
    FROM kpi_periods p
    -- A searched CASE: Citus prints a CASE with a test expression wrongly when it sends the
    -- statement to a node whole ("operator does not exist: text = boolean").
    CROSS JOIN LATERAL (SELECT (p.period_start - CASE
            WHEN p.period_kind = 'day' THEN interval '1 day' WHEN p.period_kind = 'week' THEN interval '7 days'
            WHEN p.period_kind = 'month' THEN interval '1 month' WHEN p.period_kind = 'quarter' THEN interval '3 months'
            ELSE interval '1 year' END)::date AS start) AS previous
    WHERE p.org_id = $1
), won AS (
    SELECT d.id, d.owner_rep_id AS rep_id, d.amount, d.closed_at, salesops.local_day(d.closed_at, $2) AS day
    FROM salesops.deals d
    CROSS JOIN (SELECT salesops.day_start(min(q_start), $2) AS low, salesops.day_start(max(stop) + 1, $2) AS high
                FROM comparisons) AS bounds
    WHERE d.org_id = $1 AND d.stage_kind = 'won' AND d.closed_at >= bounds.low AND d.closed_at < bounds.high
), daily AS (
    -- Won revenue per scope and local day.
    SELECT w.day, s.scope_kind, s.scope_id, sum(w.amount) AS amount
    FROM won w
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = w.rep_id
    GROUP BY 1, 2, 3
), stretches AS (
    -- Each period's days up to its stop (P) and the days of its comparison stretch (Q), one row
    -- per day, so revenue joins them by equality instead of by range (a few thousand rows
    -- however long the history; the range join compared every won deal with every period).
    SELECT c.period_kind, c.period_start, day::date AS day, true AS in_period
    FROM comparisons c CROSS JOIN generate_series(c.period_start, c.stop, interval '1 day') AS day
    UNION ALL
    SELECT c.period_kind, c.period_start, day::date, false
    FROM comparisons c CROSS JOIN generate_series(c.q_start, c.q_stop, interval '1 day') AS day
), growth AS (
    SELECT t.period_kind, t.period_start, d.scope_kind, d.scope_id,
           coalesce(sum(d.amount) FILTER (WHERE t.in_period), 0) AS current,
           coalesce(sum(d.amount) FILTER (WHERE NOT t.in_period), 0) AS previous
    FROM stretches t
    JOIN daily d ON d.day = t.day
    GROUP BY 1, 2, 3, 4
), touched AS (
    SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id,
           sum((SELECT count(*) FROM salesops.activities x
                WHERE x.org_id = $1 AND x.deal_id = w.id AND x.occurred_at <= w.closed_at)) AS touches,
           count(*) AS won
    FROM won w
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = w.day
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = w.rep_id
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, period_kind, period_start, scope_kind, scope_id, 'revenue_growth_rate',
       100 * (current - previous) / NULLIF(previous, 0), current - previous, previous
FROM growth
WHERE current <> 0 OR previous <> 0
UNION ALL
SELECT $1, period_kind, period_start, scope_kind, scope_id, 'touches_per_won_deal', touches::numeric / won, touches, won
FROM touched
