-- The stages family (stages facts).
--
-- Stage metrics (SPEC §5.2, Stages), org scope, one row per stage, into `kpi_new_stage_facts`.
--
-- A stay in a stage starts with a change into it and ends at the deal's next change.
-- `stage_entries` counts changes into the stage in P; over the stays that ended in P,
-- `stage_avg_days` averages their length and `stage_conversion_rate` is the share whose next
-- stage is won, or open with a higher position. Only deals with a change in the window are read.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE stages(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE stages(<org id>, '<time zone>');
WITH moved_deals AS (
    SELECT DISTINCT c.deal_id
    FROM salesops.deal_stage_changes c CROSS JOIN kpi_window w
    WHERE c.org_id = $1 AND w.org_id = $1 AND c.changed_at >= w.low AND c.changed_at < w.high
), stays AS (
    SELECT c.to_stage_id AS stage_id, salesops.local_day(c.changed_at, $2) AS entered_day, c.changed_at,
           lead(c.changed_at) OVER deal_history AS left_at,
           lead(c.to_stage_id) OVER deal_history AS next_stage_id
    FROM salesops.deal_stage_changes c
    JOIN moved_deals m ON m.deal_id = c.deal_id
    WHERE c.org_id = $1
    WINDOW deal_history AS (PARTITION BY c.deal_id ORDER BY c.changed_at, c.id)
), judged AS (
    SELECT s.stage_id, s.entered_day, salesops.local_day(s.left_at, $2) AS left_day,
           extract(epoch FROM s.left_at - s.changed_at) / 86400 AS days,
           (n.kind = 'won' OR (n.kind = 'open' AND n.position > g.position)) AS advanced
    FROM stays s
    JOIN salesops.stages g ON g.org_id = $1 AND g.id = s.stage_id
    LEFT JOIN salesops.stages n ON n.org_id = $1 AND n.id = s.next_stage_id
), entered AS (
    SELECT p.period_kind, p.period_start, j.stage_id, count(*) AS entries
    FROM judged j JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = j.entered_day
    GROUP BY 1, 2, 3
), ended AS (
    SELECT p.period_kind, p.period_start, j.stage_id, count(*) AS stays_ended, sum(j.days) AS days,
           count(*) FILTER (WHERE j.advanced) AS advanced
    FROM judged j JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = j.left_day
    GROUP BY 1, 2, 3
), counted AS (
    SELECT period_kind, period_start, stage_id, coalesce(n.entries, 0) AS entries,
           coalesce(e.stays_ended, 0) AS stays_ended, coalesce(e.days, 0) AS days, coalesce(e.advanced, 0) AS advanced
    FROM entered n FULL JOIN ended e USING (period_kind, period_start, stage_id)
)
INSERT INTO kpi_new_stage_facts (org_id, period_kind, period_start, stage_id, metric, value, numerator, denominator)
SELECT $1, c.period_kind, c.period_start, c.stage_id, m.metric, m.value, m.numerator, m.denominator
FROM counted c
CROSS JOIN LATERAL (VALUES
    ('stage_entries', c.entries::numeric, NULL::numeric, NULL::numeric),
    ('stage_avg_days', c.days / NULLIF(c.stays_ended, 0), c.days, c.stays_ended),
    ('stage_conversion_rate', 100 * c.advanced::numeric / NULLIF(c.stays_ended, 0), c.advanced, c.stays_ended)
) AS m (metric, value, numerator, denominator)
WHERE coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0
