-- A target's attainment, expected-to-date and pace (SPEC §5.3), written once: the
-- kpi.target_attainment view and the KPI read (KPIReader: `kpi show`, the API, the dashboard)
-- both compute them through these functions. The read no longer goes through the view: it
-- finds the targets of its one period and scope itself and computes against the values it
-- has already read, so its statement is half as costly to plan. That is paid on every read
-- on a cluster, where the coordinator and then the org's node plan each statement anew.
-- Inlined by the planner; the same arithmetic as before, so the same digits.
CREATE FUNCTION kpi.attainment_pct(target numeric, actual numeric, lower_is_better boolean) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN lower_is_better THEN 100 * target / NULLIF(actual, 0) ELSE 100 * actual / NULLIF(target, 0) END
$$;

-- The share of a count or sum target due by `as_of`: the period's days elapsed (at most all
-- of them) over its days; nothing for other aggregations.
CREATE FUNCTION kpi.expected_to_date(target numeric, aggregation text, as_of date, period_start date, period_end date)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN aggregation IN ('count', 'sum')
                THEN target * (LEAST(as_of, period_end) - period_start + 1) / (period_end - period_start + 1) END
$$;

CREATE FUNCTION kpi.pace_pct(actual numeric, expected_to_date numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 100 * actual / NULLIF(expected_to_date, 0)
$$;

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
    SELECT t.*, p.as_of, kpi.reported_value(f.value, t.aggregation) AS actual
    FROM targeted t
    JOIN kpi.materialized_periods p
      ON p.org_id = t.org_id AND p.period_kind = t.period_kind AND p.period_start = t.period_start
    LEFT JOIN kpi.metric_fact_rows f
      ON f.org_id = t.org_id AND f.period_kind = t.period_kind AND f.period_start = t.period_start
     AND f.scope_kind = t.scope_kind AND f.scope_id = t.scope_id AND f.metric = t.metric
), paced AS (
    SELECT a.*, kpi.expected_to_date(a.target, a.aggregation, a.as_of, a.period_start, a.period_end) AS expected_to_date
    FROM actuals a
)
SELECT org_id, target_id, scope_kind, scope_external_id, metric, period_kind, period_start, period_end,
       target, actual,
       kpi.attainment_pct(target, actual, lower_is_better) AS attainment_pct,
       expected_to_date,
       kpi.pace_pct(actual, expected_to_date) AS pace_pct,
       as_of
FROM paced;
