-- KPI storage and the read interface of SPEC §6.
--
-- Facts are plain tables (materialized views cannot carry row-level security), written by
-- `salesctl kpi materialize` in one transaction per org. The four views are the fixed read
-- interface; they are security_invoker so the reader's row-level security applies.
--
-- Org-scope rows store scope_id 0 (keys stay NOT NULL); the views show NULL for it.

CREATE SCHEMA kpi;
GRANT USAGE ON SCHEMA kpi TO salesops_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA kpi GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO salesops_app;

-- Which periods of an org have been materialized, as of which date.
CREATE TABLE kpi.materialized_periods (
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    period_kind  text NOT NULL CHECK (period_kind IN ('day', 'week', 'month', 'quarter', 'year')),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    as_of        date NOT NULL,
    computed_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, period_kind, period_start),
    CHECK (period_end >= period_start)
);

-- One metric of one period and scope (SPEC §5.2). Sparse: a row exists when value,
-- numerator or denominator is non-null and non-zero.
CREATE TABLE kpi.metric_facts (
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    period_kind  text NOT NULL,
    period_start date NOT NULL,
    scope_kind   text NOT NULL CHECK (scope_kind IN ('org', 'team', 'rep')),
    scope_id     bigint NOT NULL,
    metric       text NOT NULL REFERENCES salesops.metrics (name),
    value        numeric,
    numerator    numeric,
    denominator  numeric,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id, metric),
    FOREIGN KEY (org_id, period_kind, period_start)
        REFERENCES kpi.materialized_periods (org_id, period_kind, period_start) ON DELETE CASCADE,
    CHECK ((scope_kind = 'org') = (scope_id = 0))
);

-- Stage metrics (org scope), one row per stage.
CREATE TABLE kpi.stage_facts (
    org_id       bigint NOT NULL,
    period_kind  text NOT NULL,
    period_start date NOT NULL,
    stage_id     bigint NOT NULL,
    metric       text NOT NULL CHECK (metric IN ('stage_entries', 'stage_avg_days', 'stage_conversion_rate')),
    value        numeric,
    numerator    numeric,
    denominator  numeric,
    PRIMARY KEY (org_id, period_kind, period_start, stage_id, metric),
    FOREIGN KEY (org_id, period_kind, period_start)
        REFERENCES kpi.materialized_periods (org_id, period_kind, period_start) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stage_id) REFERENCES salesops.stages (org_id, id) ON DELETE CASCADE
);

-- Breakdowns of a metric by a dimension's keys.
CREATE TABLE kpi.breakdown_facts (
    org_id       bigint NOT NULL,
    period_kind  text NOT NULL,
    period_start date NOT NULL,
    scope_kind   text NOT NULL CHECK (scope_kind IN ('org', 'team', 'rep')),
    scope_id     bigint NOT NULL,
    dimension    text NOT NULL CHECK (dimension IN ('region', 'product', 'source', 'deal_type', 'lead_source', 'lifecycle_stage')),
    key          text NOT NULL,
    metric       text NOT NULL CHECK (metric IN ('revenue', 'deals_won', 'new_leads', 'leads')),
    value        numeric NOT NULL,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id, dimension, key, metric),
    FOREIGN KEY (org_id, period_kind, period_start)
        REFERENCES kpi.materialized_periods (org_id, period_kind, period_start) ON DELETE CASCADE,
    CHECK ((scope_kind = 'org') = (scope_id = 0))
);

ALTER TABLE kpi.materialized_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.materialized_periods FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.materialized_periods
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE kpi.metric_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.metric_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.metric_facts
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE kpi.stage_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.stage_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.stage_facts
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE kpi.breakdown_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.breakdown_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.breakdown_facts
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

CREATE VIEW kpi.metric_values WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, p.period_end, f.scope_kind,
       NULLIF(f.scope_id, 0) AS scope_id,
       CASE f.scope_kind WHEN 'team' THEN t.external_id WHEN 'rep' THEN r.external_id END AS scope_external_id,
       f.metric, f.value, f.numerator, f.denominator, p.as_of, p.computed_at
FROM kpi.metric_facts f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
LEFT JOIN salesops.teams t ON f.scope_kind = 'team' AND t.org_id = f.org_id AND t.id = f.scope_id
LEFT JOIN salesops.reps r ON f.scope_kind = 'rep' AND r.org_id = f.org_id AND r.id = f.scope_id;

CREATE VIEW kpi.stage_metrics WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, pl.name AS pipeline, s.name AS stage,
       f.metric, f.value, f.numerator, f.denominator, p.as_of
FROM kpi.stage_facts f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
JOIN salesops.stages s ON s.org_id = f.org_id AND s.id = f.stage_id
JOIN salesops.pipelines pl ON pl.org_id = s.org_id AND pl.id = s.pipeline_id;

CREATE VIEW kpi.breakdowns WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind,
       CASE f.scope_kind WHEN 'team' THEN t.external_id WHEN 'rep' THEN r.external_id END AS scope_external_id,
       f.dimension, f.key, f.metric, f.value, p.as_of
FROM kpi.breakdown_facts f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
LEFT JOIN salesops.teams t ON f.scope_kind = 'team' AND t.org_id = f.org_id AND t.id = f.scope_id
LEFT JOIN salesops.reps r ON f.scope_kind = 'rep' AND r.org_id = f.org_id AND r.id = f.scope_id;

-- Targets against actuals (SPEC §5.3), for targets whose period has been materialized.
-- A missing fact reads as 0 for counts, sums and snapshots and as null for everything else.
-- Pace applies to counts and sums that are not snapshots.
CREATE VIEW kpi.target_attainment WITH (security_invoker = true) AS
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
           CASE WHEN f.value IS NOT NULL THEN f.value
                WHEN t.aggregation IN ('count', 'sum', 'snapshot') THEN 0 END AS actual,
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

-- The periods a materialization over the local days [from_date, to_date] covers: every day,
-- and every ISO week, month, fiscal quarter and fiscal year containing one of those days.
CREATE FUNCTION kpi.periods_covering(from_date date, to_date date, fiscal_year_start_month integer)
RETURNS TABLE (period_kind text, period_start date, period_end date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH days AS (
        SELECT d::date AS day,
               ((extract(month FROM d)::integer - fiscal_year_start_month + 12) % 12) AS fiscal_month_index
        FROM generate_series(from_date, to_date, interval '1 day') AS d
    ), starts AS (
        SELECT DISTINCT kind, start
        FROM days
        CROSS JOIN LATERAL (VALUES
            ('day', day),
            ('week', day - (extract(isodow FROM day)::integer - 1)),
            ('month', date_trunc('month', day)::date),
            ('quarter', (date_trunc('month', day) - make_interval(months => fiscal_month_index % 3))::date),
            ('year', (date_trunc('month', day) - make_interval(months => fiscal_month_index))::date)
        ) AS periods (kind, start)
    )
    SELECT kind, start,
           (start + CASE kind
                WHEN 'day' THEN interval '1 day'
                WHEN 'week' THEN interval '7 days'
                WHEN 'month' THEN interval '1 month'
                WHEN 'quarter' THEN interval '3 months'
                WHEN 'year' THEN interval '1 year'
            END)::date - 1
    FROM starts
$$;
