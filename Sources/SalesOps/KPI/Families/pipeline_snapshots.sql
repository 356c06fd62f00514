-- The pipeline_snapshots family (metrics facts).
--
-- The open pipeline at the end of each period's stop day e (SPEC §5.2): `open_opportunities`,
-- `open_pipeline_amount` and `weighted_pipeline_amount`.
--
-- A deal is open at e when created by e and not closed by e (local days). Its weight is the
-- probability of stage_at(e): the to-stage of its last change by e; if none, the from-stage
-- of its earliest change; if it has no changes (or that from-stage is unknown), its current
-- stage.
--
-- Only deals open at some stop are read (created by the last stop, open or closed after the
-- first), so the cost follows the window, not the history. Each deal's days open, and each
-- stretch of them spent in one stage, become a +value on their first day and a −value on the
-- day after their last; a running sum of those changes per rep, read at each stop, is the
-- snapshot there.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE pipeline_snapshots(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE pipeline_snapshots(<org id>, '<time zone>');
WITH bounds AS (
    SELECT min(stop) AS first_stop, max(stop) AS last_stop,
           salesops.day_start(min(stop) + 1, $2) AS first_stop_end,
           salesops.day_start(max(stop) + 1, $2) AS last_stop_end
    FROM kpi_periods
    WHERE org_id = $1
), candidates AS (
    SELECT d.id, d.owner_rep_id, d.amount, d.stage_id, d.created_at, d.closed_at
    FROM salesops.deals d, bounds b
    WHERE d.org_id = $1 AND d.closed_at IS NULL AND d.created_at < b.last_stop_end
    UNION ALL
    SELECT d.id, d.owner_rep_id, d.amount, d.stage_id, d.created_at, d.closed_at
    FROM salesops.deals d, bounds b
    WHERE d.org_id = $1 AND d.closed_at >= b.first_stop_end AND d.created_at < b.last_stop_end
), open_deals AS (
    -- The days each deal is open, [open_from, open_until), from the first stop on.
    SELECT c.id, c.owner_rep_id AS rep_id, c.amount, c.stage_id,
           greatest(salesops.local_day(c.created_at, $2), b.first_stop) AS open_from,
           coalesce(salesops.local_day(c.closed_at, $2), 'infinity') AS open_until
    FROM candidates c, bounds b
), changes AS (
    -- Each open deal's changes, looked up deal by deal (by deal and time, sql/010): a hash of
    -- the org's changes would read its whole history for the window's few open deals.
    SELECT o.id AS deal_id, x.day, x.from_stage_id, x.to_stage_id, x.nth, x.nth_from_day_end
    FROM open_deals o
    CROSS JOIN LATERAL (
        SELECT salesops.local_day(c.changed_at, $2) AS day, c.from_stage_id, c.to_stage_id,
               row_number() OVER (ORDER BY c.changed_at, c.id) AS nth,
               row_number() OVER (PARTITION BY salesops.local_day(c.changed_at, $2) ORDER BY c.changed_at DESC, c.id DESC)
                   AS nth_from_day_end
        FROM salesops.deal_stage_changes c
        WHERE c.org_id = $1 AND c.deal_id = o.id) x
), stages_held AS (
    -- The stage a deal holds from a local day on: before its first change, the from-stage
    -- of its earliest change (else its current stage); from a change day, the to-stage of
    -- that day's last change.
    SELECT o.id AS deal_id, '-infinity'::date AS held_from,
           coalesce(first_change.from_stage_id, o.stage_id) AS stage_id
    FROM open_deals o
    LEFT JOIN changes first_change ON first_change.deal_id = o.id AND first_change.nth = 1
    UNION ALL
    SELECT deal_id, day, to_stage_id FROM changes WHERE nth_from_day_end = 1
), stage_spans AS (
    SELECT h.deal_id, h.stage_id, h.held_from,
           coalesce(lead(h.held_from) OVER (PARTITION BY h.deal_id ORDER BY h.held_from), 'infinity') AS held_until
    FROM stages_held h
), stretches AS (
    -- Columns named in the first branch, not in a column list: Citus drops a CTE's column
    -- list when it passes the statement on to the org's node.
    SELECT o.rep_id, o.open_from AS from_day, o.open_until AS until_day, 1 AS deals, o.amount, 0 AS weighted
    FROM open_deals o
    UNION ALL
    SELECT o.rep_id, greatest(s.held_from, o.open_from), least(s.held_until, o.open_until), 0, 0,
           o.amount * g.probability / 100
    FROM stage_spans s
    JOIN open_deals o ON o.id = s.deal_id
    JOIN salesops.stages g ON g.org_id = $1 AND g.id = s.stage_id
), changes_by_day AS (
    SELECT t.rep_id, e.day, sum(e.sign * t.deals) AS deals, sum(e.sign * t.amount) AS amount,
           sum(e.sign * t.weighted) AS weighted, false AS is_stop
    FROM stretches t
    CROSS JOIN bounds b
    CROSS JOIN LATERAL (VALUES (t.from_day, 1), (t.until_day, -1)) AS e (day, sign)
    WHERE t.from_day < t.until_day AND e.day <= b.last_stop
    GROUP BY 1, 2
), stop_days AS (
    SELECT r.rep_id, st.stop AS day, 0, 0, 0, true AS is_stop
    FROM (SELECT DISTINCT stop FROM kpi_periods WHERE org_id = $1) AS st
    CROSS JOIN (SELECT DISTINCT rep_id FROM open_deals) AS r
), running AS (
    SELECT rep_id, day, is_stop,
           sum(deals) OVER by_day AS deals, sum(amount) OVER by_day AS amount, sum(weighted) OVER by_day AS weighted
    FROM (SELECT * FROM changes_by_day UNION ALL SELECT * FROM stop_days) AS timeline
    WINDOW by_day AS (PARTITION BY rep_id ORDER BY day)
), scoped AS (
    SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id,
           sum(r.deals) AS deals, sum(r.amount) AS amount, sum(r.weighted) AS weighted
    FROM running r
    JOIN kpi_periods p ON p.org_id = $1 AND p.stop = r.day
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = r.rep_id
    WHERE r.is_stop
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, q.period_kind, q.period_start, q.scope_kind, q.scope_id, m.metric, m.value, NULL::numeric, NULL::numeric
FROM scoped q
CROSS JOIN LATERAL (VALUES
    ('open_opportunities', q.deals), ('open_pipeline_amount', q.amount), ('weighted_pipeline_amount', q.weighted)
) AS m (metric, value)
WHERE m.value <> 0
