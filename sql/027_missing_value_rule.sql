-- The rule for a metric with no stored fact, written once: facts are sparse, so a missing
-- row reads as 0 for counts, sums and snapshots and as no value (null) for ratios, averages
-- and derived metrics. The readers (`kpi show`, the API, the dashboard) and the targets'
-- view all read values through it. Inlined by the planner.
CREATE FUNCTION kpi.reported_value(stored numeric, aggregation text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN stored IS NOT NULL THEN stored WHEN aggregation IN ('count', 'sum', 'snapshot') THEN 0 END
$$;

-- Targets against actuals (SPEC §5.3), unchanged but for reading the actual through the rule.
CREATE OR REPLACE VIEW kpi.target_attainment WITH (security_invoker = true) AS
WITH targeted AS (
    SELECT tg.org_id, tg.id AS target_id, tg.scope_kind,
           COALESCE(tg.team_id, tg.rep_id, 0) AS scope_id,
           COALESCE(tm.external_id, r.external_id) AS scope_external_id,
           tg.metric, b.period_kind, b.period_start, b.period_end, tg.value AS target,
           m.aggregation, m.lower_is_better
    FROM salesops.targets tg
    JOIN salesops.orgs o ON o.id = tg.org_id
    JOIN salesops.metrics m ON m.name = tg.metric
    CROSS JOIN LATERAL salesops.period_bounds(tg.period, o.fiscal_year_start_month) b
    LEFT JOIN salesops.teams tm ON tm.org_id = tg.org_id AND tm.id = tg.team_id
    LEFT JOIN salesops.reps r ON r.org_id = tg.org_id AND r.id = tg.rep_id
), actuals AS (
    SELECT t.*, p.as_of,
           kpi.reported_value(f.value, t.aggregation) AS actual,
           (LEAST(p.as_of, t.period_end) - t.period_start + 1) AS days_elapsed,
           (t.period_end - t.period_start + 1) AS days_in_period
    FROM targeted t
    JOIN kpi.materialized_periods p
      ON p.org_id = t.org_id AND p.period_kind = t.period_kind AND p.period_start = t.period_start
    LEFT JOIN kpi.metric_facts f
      ON f.org_id = t.org_id AND f.period_kind = t.period_kind AND f.period_start = t.period_start
     AND f.scope_kind = t.scope_kind AND f.scope_id = t.scope_id AND f.metric = t.metric
), paced AS (
    SELECT a.*,
           CASE WHEN a.aggregation IN ('count', 'sum') THEN a.target * a.days_elapsed / a.days_in_period END AS expected_to_date
    FROM actuals a
)
SELECT org_id, target_id, scope_kind, scope_external_id, metric, period_kind, period_start, period_end,
       target, actual,
       CASE WHEN lower_is_better THEN 100 * target / NULLIF(actual, 0)
            ELSE 100 * actual / NULLIF(target, 0) END AS attainment_pct,
       expected_to_date,
       100 * actual / NULLIF(expected_to_date, 0) AS pace_pct,
       as_of
FROM paced;
