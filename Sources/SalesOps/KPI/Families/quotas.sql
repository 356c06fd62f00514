-- The quotas family (metrics facts).
--
-- `reps_at_quota_rate` (SPEC §5.2, Quotas), team and org scopes: of the reps with a `revenue`
-- target for exactly this period, the share whose attainment (their revenue fact of this run,
-- 0 when missing, over the target) is at least 100. Runs after the revenue facts exist.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE quotas(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE quotas(<org id>, '<time zone>');
WITH rep_targets AS (
    SELECT t.rep_id, b.period_kind, b.period_start, t.value AS target
    FROM salesops.targets t
    -- The run's window row carries the org's fiscal year (sql/047); salesops.orgs is a
    -- reference table, and joining it would make a cluster run this statement through the
    -- coordinator.
    JOIN kpi_window w ON w.org_id = t.org_id
    CROSS JOIN LATERAL salesops.period_bounds(t.period, w.fiscal_year_start_month) AS b
    WHERE t.org_id = $1 AND w.org_id = $1 AND t.scope_kind = 'rep' AND t.metric = 'revenue'
), rep_revenue AS MATERIALIZED (
    -- The reps' revenue of this run, read once: the new facts carry no statistics, and joined
    -- directly the planner rescanned all of them for every target (2 s for 18 targets of a
    -- 30-rep, two-year backfill).
    SELECT period_kind, period_start, scope_id AS rep_id, value
    FROM kpi_new_facts
    WHERE org_id = $1 AND scope_kind = 'rep' AND metric = 'revenue'
), judged AS (
    SELECT r.period_kind, r.period_start, r.rep_id,
           coalesce(100 * coalesce(f.value, 0) / NULLIF(r.target, 0) >= 100, false) AS at_quota
    FROM rep_targets r
    JOIN kpi_periods p ON p.org_id = $1 AND p.period_kind = r.period_kind AND p.period_start = r.period_start
    LEFT JOIN rep_revenue f ON f.period_kind = r.period_kind AND f.period_start = r.period_start AND f.rep_id = r.rep_id
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, j.period_kind, j.period_start, s.scope_kind, s.scope_id, 'reps_at_quota_rate',
       100 * count(*) FILTER (WHERE j.at_quota)::numeric / count(*), count(*) FILTER (WHERE j.at_quota), count(*)
FROM judged j
JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = j.rep_id AND s.scope_kind <> 'rep'
GROUP BY 1, 2, 3, 4, 5
