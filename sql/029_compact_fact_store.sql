-- The compact fact store: one stored row per (org, period, scope) holding all of its values.
--
-- Until now every value was a row of its own, repeating its org, period kind and start, scope
-- kind and id and the metric's name, with a primary key over all of them: ~174 bytes per value
-- (table + index) for values of 6 bytes. A period and scope has ~17 metric values on average,
-- and they are written and read together (a run replaces whole periods; `kpi show`, the API
-- and the dashboard read all metrics of one period and scope). So they are kept together:
--
--   kpi.metric_fact_sets     one row per (org, period, scope): parallel arrays of metric ids
--                            (salesops.metrics.id, a smallint), values, numerators and
--                            denominators (the last two null when none of the row's metrics
--                            has one);
--   kpi.breakdown_fact_sets  one row per (org, period, scope): parallel arrays of series ids
--                            (kpi.breakdown_series: a dimension and a metric), keys and values.
--
-- The key and the row header are paid once per row instead of once per value, and the primary
-- key has a seventeenth of the entries (~33 bytes per value). Stage facts (~2 % of the values)
-- keep their row layout.
--
-- Nothing outside the layout's owner reads these tables: the engine's writes go through
-- `FactStore` (Sources/SalesOps/KPI/FactStore.swift); every reader — the SPEC §6 views, the
-- API, explain, the dashboard — reads the row-shaped views kpi.metric_fact_rows,
-- kpi.breakdown_fact_rows and kpi.stage_fact_rows, whose columns are the old tables'. The next
-- layout change touches FactStore, one migration and these views.
--
-- Distribution (Citus): both tables carry org_id first in their key, like every tenant table;
-- kpi.breakdown_series and salesops.metrics are catalogues (reference tables).

-- Small, stable keys for the catalogue's metrics. A migration adding a metric gives its id.
ALTER TABLE salesops.metrics ADD COLUMN id smallint;
UPDATE salesops.metrics m SET id = n.id
FROM (SELECT name, row_number() OVER (ORDER BY name) AS id FROM salesops.metrics) n
WHERE n.name = m.name;
ALTER TABLE salesops.metrics ALTER COLUMN id SET NOT NULL;
ALTER TABLE salesops.metrics ADD CONSTRAINT metrics_id_key UNIQUE (id);
ALTER TABLE salesops.metrics ADD CONSTRAINT metrics_id_positive CHECK (id > 0);

-- The (dimension, metric) pairs a breakdown can have.
CREATE TABLE kpi.breakdown_series (
    id        smallint PRIMARY KEY,
    dimension text NOT NULL,
    metric    text NOT NULL,
    UNIQUE (dimension, metric)
);
INSERT INTO kpi.breakdown_series (id, dimension, metric)
SELECT (row_number() OVER (ORDER BY d.ordinality, m.ordinality))::smallint, d.name, m.name
FROM unnest(ARRAY['region', 'product', 'source', 'deal_type', 'lead_source', 'lifecycle_stage']) WITH ORDINALITY AS d (name, ordinality)
CROSS JOIN unnest(ARRAY['revenue', 'deals_won', 'new_leads', 'leads']) WITH ORDINALITY AS m (name, ordinality);
GRANT SELECT ON kpi.breakdown_series TO salesops_app, salesops_reader;

CREATE TABLE kpi.metric_fact_sets (
    org_id            bigint NOT NULL,
    period_kind       text NOT NULL,
    period_start      date NOT NULL,
    scope_kind        text NOT NULL CHECK (scope_kind IN ('org', 'team', 'rep')),
    scope_id          bigint NOT NULL,
    metric_ids        smallint[] NOT NULL,
    value_array       numeric[] NOT NULL,
    numerator_array   numeric[],
    denominator_array numeric[],
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id),
    CHECK ((scope_kind = 'org') = (scope_id = 0)),
    CHECK (cardinality(value_array) = cardinality(metric_ids)
           AND coalesce(cardinality(numerator_array), cardinality(metric_ids)) = cardinality(metric_ids)
           AND coalesce(cardinality(denominator_array), cardinality(metric_ids)) = cardinality(metric_ids))
);

CREATE TABLE kpi.breakdown_fact_sets (
    org_id       bigint NOT NULL,
    period_kind  text NOT NULL,
    period_start date NOT NULL,
    scope_kind   text NOT NULL CHECK (scope_kind IN ('org', 'team', 'rep')),
    scope_id     bigint NOT NULL,
    series_ids   smallint[] NOT NULL,
    keys         text[] NOT NULL,
    value_array  numeric[] NOT NULL,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id),
    CHECK ((scope_kind = 'org') = (scope_id = 0)),
    CHECK (cardinality(keys) = cardinality(series_ids) AND cardinality(value_array) = cardinality(series_ids))
);

ALTER TABLE kpi.metric_fact_sets ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.metric_fact_sets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.metric_fact_sets
    USING (org_id = (SELECT salesops.current_org_id()))
    WITH CHECK (org_id = (SELECT salesops.current_org_id()));
ALTER TABLE kpi.breakdown_fact_sets ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.breakdown_fact_sets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.breakdown_fact_sets
    USING (org_id = (SELECT salesops.current_org_id()))
    WITH CHECK (org_id = (SELECT salesops.current_org_id()));

-- The existing facts, converted (the order of each row's arrays is the owner's: by id, then key).
INSERT INTO kpi.metric_fact_sets
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind, f.scope_id,
       array_agg(m.id ORDER BY m.id), array_agg(f.value ORDER BY m.id),
       CASE WHEN bool_or(f.numerator IS NOT NULL) THEN array_agg(f.numerator ORDER BY m.id) END,
       CASE WHEN bool_or(f.denominator IS NOT NULL) THEN array_agg(f.denominator ORDER BY m.id) END
FROM kpi.metric_facts f
JOIN salesops.metrics m ON m.name = f.metric
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5;

INSERT INTO kpi.breakdown_fact_sets
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind, f.scope_id,
       array_agg(s.id ORDER BY s.id, f.key), array_agg(f.key ORDER BY s.id, f.key), array_agg(f.value ORDER BY s.id, f.key)
FROM kpi.breakdown_facts f
JOIN kpi.breakdown_series s ON s.dimension = f.dimension AND s.metric = f.metric
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5;

-- The row-shaped views every reader uses (security_invoker: the reader's row-level security).
-- Catalogue names as arrays indexed by id (null where no id is given). The row views look
-- names up in them, evaluated once per query, instead of joining the catalogues: a join would
-- hand a reader's planner the catalogues' statistics for those columns, and every estimate a
-- reader sees over a tenant relation stays the default (sql/023).
CREATE FUNCTION kpi.metric_names() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT array_agg(m.name ORDER BY g.id)
    FROM generate_series(1, (SELECT max(id) FROM salesops.metrics)) AS g (id)
    LEFT JOIN salesops.metrics m ON m.id = g.id
$$;

CREATE FUNCTION kpi.breakdown_series_names(part text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT array_agg(CASE part WHEN 'dimension' THEN s.dimension WHEN 'metric' THEN s.metric END ORDER BY g.id)
    FROM generate_series(1, (SELECT max(id) FROM kpi.breakdown_series)) AS g (id)
    LEFT JOIN kpi.breakdown_series s ON s.id = g.id
$$;

CREATE VIEW kpi.metric_fact_rows WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind, f.scope_id,
       (SELECT kpi.metric_names())[u.metric_id] AS metric, u.value, u.numerator, u.denominator
FROM kpi.metric_fact_sets f
CROSS JOIN LATERAL unnest(f.metric_ids, f.value_array, f.numerator_array, f.denominator_array)
    AS u (metric_id, value, numerator, denominator);

CREATE VIEW kpi.breakdown_fact_rows WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind, f.scope_id,
       (SELECT kpi.breakdown_series_names('dimension'))[u.series_id] AS dimension, u.key,
       (SELECT kpi.breakdown_series_names('metric'))[u.series_id] AS metric, u.value
FROM kpi.breakdown_fact_sets f
CROSS JOIN LATERAL unnest(f.series_ids, f.keys, f.value_array) AS u (series_id, key, value);

CREATE VIEW kpi.stage_fact_rows WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, f.stage_id, f.metric, f.value, f.numerator, f.denominator
FROM kpi.stage_facts f;

GRANT SELECT ON kpi.metric_fact_rows, kpi.breakdown_fact_rows, kpi.stage_fact_rows TO salesops_app, salesops_reader;
GRANT SELECT ON kpi.metric_fact_sets, kpi.breakdown_fact_sets TO salesops_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON kpi.metric_fact_sets, kpi.breakdown_fact_sets TO salesops_app;

-- The SPEC §6 views over the row views: names, columns and types unchanged.
CREATE OR REPLACE VIEW kpi.metric_values WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, p.period_end, f.scope_kind,
       NULLIF(f.scope_id, 0) AS scope_id,
       CASE f.scope_kind WHEN 'team' THEN t.external_id WHEN 'rep' THEN r.external_id END AS scope_external_id,
       f.metric, f.value, f.numerator, f.denominator, p.as_of, p.computed_at
FROM kpi.metric_fact_rows f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
LEFT JOIN salesops.teams t ON f.scope_kind = 'team' AND t.org_id = f.org_id AND t.id = f.scope_id
LEFT JOIN salesops.reps r ON f.scope_kind = 'rep' AND r.org_id = f.org_id AND r.id = f.scope_id;

CREATE OR REPLACE VIEW kpi.stage_metrics WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, pl.name AS pipeline, s.name AS stage,
       f.metric, f.value, f.numerator, f.denominator, p.as_of
FROM kpi.stage_fact_rows f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
JOIN salesops.stages s ON s.org_id = f.org_id AND s.id = f.stage_id
JOIN salesops.pipelines pl ON pl.org_id = s.org_id AND pl.id = s.pipeline_id;

CREATE OR REPLACE VIEW kpi.breakdowns WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period_start, f.scope_kind,
       CASE f.scope_kind WHEN 'team' THEN t.external_id WHEN 'rep' THEN r.external_id END AS scope_external_id,
       f.dimension, f.key, f.metric, f.value, p.as_of
FROM kpi.breakdown_fact_rows f
JOIN kpi.materialized_periods p USING (org_id, period_kind, period_start)
LEFT JOIN salesops.teams t ON f.scope_kind = 'team' AND t.org_id = f.org_id AND t.id = f.scope_id
LEFT JOIN salesops.reps r ON f.scope_kind = 'rep' AND r.org_id = f.org_id AND r.id = f.scope_id;

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
    LEFT JOIN kpi.metric_fact_rows f
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

-- A deleted org's facts leave with it.
CREATE OR REPLACE FUNCTION kpi.delete_facts_of_deleted_orgs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM kpi.metric_fact_sets f USING deleted_orgs d WHERE f.org_id = d.id;
    DELETE FROM kpi.breakdown_fact_sets f USING deleted_orgs d WHERE f.org_id = d.id;
    RETURN NULL;
END
$$;

DROP TABLE kpi.metric_facts, kpi.breakdown_facts;

-- Readers reach the new tables' columns: they keep no planner statistics (sql/023).
SELECT salesops_meta.hide_reader_statistics();
