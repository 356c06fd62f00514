-- The sales_team family (metrics facts).
--
-- Headcount, turnover, retention, tenure and ramp-up (SPEC §5.2, Sales team), at team and
-- org scope; reps count toward their current team. A rep is active on day x when
-- hired_on ≤ x and (left_on is null or left_on > x).
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE sales_team(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE sales_team(<org id>, '<time zone>');
WITH reps AS MATERIALIZED (
    -- Once per rep: inlined, the first-activity lookup ran once per rep, period and scope.
    SELECT r.id, r.hired_on, r.left_on,
           (SELECT salesops.local_day(min(x.occurred_at), $2) FROM salesops.activities x
            WHERE x.org_id = $1 AND x.rep_id = r.id) AS first_activity_day
    FROM salesops.reps r
    WHERE r.org_id = $1
), per_rep AS (
    SELECT p.period_kind, p.period_start, r.id AS rep_id,
           (r.hired_on <= p.period_start - 1 AND (r.left_on IS NULL OR r.left_on > p.period_start - 1)) AS active_at_start,
           (r.hired_on <= p.stop AND (r.left_on IS NULL OR r.left_on > p.stop)) AS active_at_end,
           coalesce(r.left_on BETWEEN p.period_start AND p.stop, false) AS left_in_period,
           p.stop - r.hired_on AS tenure_days,
           CASE WHEN r.first_activity_day BETWEEN p.period_start AND p.stop
                THEN r.first_activity_day - r.hired_on END AS ramp_days
    FROM reps r CROSS JOIN kpi_periods p
    WHERE p.org_id = $1
), scoped AS (
    SELECT q.period_kind, q.period_start, s.scope_kind, s.scope_id,
           count(*) FILTER (WHERE q.active_at_start) AS headcount_start,
           count(*) FILTER (WHERE q.active_at_end) AS headcount_end,
           count(*) FILTER (WHERE q.left_in_period) AS reps_left,
           count(*) FILTER (WHERE q.active_at_start AND q.left_in_period) AS turned_over,
           count(*) FILTER (WHERE q.active_at_start AND q.active_at_end) AS retained,
           coalesce(sum(q.tenure_days) FILTER (WHERE q.active_at_end), 0) AS tenure_days,
           coalesce(sum(q.ramp_days), 0) AS ramp_days,
           count(q.ramp_days) AS ramped
    FROM per_rep q
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = q.rep_id AND s.scope_kind <> 'rep'
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, q.period_kind, q.period_start, q.scope_kind, q.scope_id, m.metric, m.value, m.numerator, m.denominator
FROM scoped q
CROSS JOIN LATERAL (VALUES
    ('headcount_start', q.headcount_start::numeric, NULL::numeric, NULL::numeric),
    ('headcount_end', q.headcount_end, NULL, NULL),
    ('reps_left', q.reps_left, NULL, NULL),
    ('rep_turnover_rate', 100 * q.turned_over::numeric / NULLIF(q.headcount_start, 0), q.turned_over, q.headcount_start),
    ('rep_retention_rate', 100 * q.retained::numeric / NULLIF(q.headcount_start, 0), q.retained, q.headcount_start),
    ('average_tenure_days', q.tenure_days::numeric / NULLIF(q.headcount_end, 0), q.tenure_days, q.headcount_end),
    ('ramp_up_days', q.ramp_days::numeric / NULLIF(q.ramped, 0), q.ramp_days, q.ramped)
) AS m (metric, value, numerator, denominator)
WHERE coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0
