-- The spend family (metrics facts).
--
-- `marketing_spend` and `sales_spend` (SPEC §5.2, Spend): org scope, months, quarters and
-- years only; a period's spend is that of its months starting on or before its stop day.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE spend(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE spend(<org id>, '<time zone>');
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, p.period_kind, p.period_start, 'org', 0, m.metric, m.value, NULL::numeric, NULL::numeric
FROM kpi_periods p
CROSS JOIN LATERAL (
    SELECT sum(amount) FILTER (WHERE category = 'marketing') AS marketing,
           sum(amount) FILTER (WHERE category = 'sales') AS sales
    FROM salesops.spend
    WHERE org_id = $1 AND month BETWEEN p.period_start AND p.stop
) s
CROSS JOIN LATERAL (VALUES ('marketing_spend', s.marketing), ('sales_spend', s.sales)) AS m (metric, value)
WHERE p.org_id = $1 AND p.period_kind IN ('month', 'quarter', 'year') AND coalesce(m.value, 0) <> 0
