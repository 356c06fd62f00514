-- The prospects family (metrics facts).
--
-- `prospects_contacted`, `positive_reply_rate` and `negative_reply_rate` (SPEC §5.2,
-- Activities): distinct prospects per scope, where a prospect is the activity's lead if set,
-- else its account; activities with neither touch no prospect.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE prospects(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE prospects(<org id>, '<time zone>');
WITH touches AS (
    -- One row per local day, rep and prospect (a lead as 2 × id, an account as 2 × id + 1),
    -- with whether any of those activities got a positive or a negative reply.
    SELECT salesops.local_day(x.occurred_at, $2) AS day, x.rep_id,
           CASE WHEN x.lead_id IS NOT NULL THEN x.lead_id * 2 ELSE x.account_id * 2 + 1 END AS prospect,
           bool_or(x.outcome = 'positive_reply') AS positive, bool_or(x.outcome = 'negative_reply') AS negative
    FROM salesops.activities x
    CROSS JOIN kpi_window w
    WHERE x.org_id = $1 AND w.org_id = $1 AND x.occurred_at >= w.low AND x.occurred_at < w.high
      AND (x.lead_id IS NOT NULL OR x.account_id IS NOT NULL)
    GROUP BY 1, 2, 3
), rep_reached AS (
    -- Each rep's prospects once per period.
    SELECT p.period_kind, p.period_start, t.rep_id, t.prospect, bool_or(t.positive) AS positive, bool_or(t.negative) AS negative
    FROM touches t
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = t.day
    GROUP BY 1, 2, 3, 4
), reached AS (
    -- Each prospect once per period and scope: a rep's as above; a team's or the org's once
    -- over all its reps (two reps' touches of one prospect count once), from the reps' rows.
    SELECT r.period_kind, r.period_start, s.scope_kind, s.scope_id, r.prospect, r.positive, r.negative
    FROM rep_reached r
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = r.rep_id AND s.scope_kind = 'rep'
    UNION ALL
    SELECT r.period_kind, r.period_start, s.scope_kind, s.scope_id, r.prospect, bool_or(r.positive), bool_or(r.negative)
    FROM rep_reached r
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = r.rep_id AND s.scope_kind <> 'rep'
    GROUP BY 1, 2, 3, 4, 5
), counted AS (
    SELECT period_kind, period_start, scope_kind, scope_id, count(*) AS contacted,
           count(*) FILTER (WHERE positive) AS positive, count(*) FILTER (WHERE negative) AS negative
    FROM reached
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, c.period_kind, c.period_start, c.scope_kind, c.scope_id, m.metric, m.value, m.numerator, m.denominator
FROM counted c
CROSS JOIN LATERAL (VALUES
    ('prospects_contacted', c.contacted::numeric, NULL::numeric, NULL::numeric),
    ('positive_reply_rate', 100 * c.positive::numeric / c.contacted, c.positive, c.contacted),
    ('negative_reply_rate', 100 * c.negative::numeric / c.contacted, c.negative, c.contacted)
) AS m (metric, value, numerator, denominator)
WHERE $2::text IS NOT NULL
