-- The forecasts the nightly run makes (SPEC §10), kept night after night so the history of a
-- period's forecast can be read: how the call for a quarter moved week by week.
--
-- Night D of an org stores, as of D, the forecast of the month, fiscal quarter and fiscal
-- year containing D, for the org (scope_id 0), every team (its whole subtree) and every rep
-- on staff in that fiscal year. A night run again replaces its own rows; other nights' rows
-- are never touched. The interval (P10/P90) is not stored: it re-forecasts earlier periods
-- and is made on demand (`salesctl forecast show`, `GET /v1/forecast`).
CREATE TABLE kpi.forecast_history (
    org_id                 bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    period_kind            text NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
    period_start           date NOT NULL,
    scope_kind             text NOT NULL CHECK (scope_kind IN ('org', 'team', 'rep')),
    scope_id               bigint NOT NULL,
    as_of                  date NOT NULL,
    period                 text NOT NULL,
    period_end             date NOT NULL,
    value                  numeric(18, 2) NOT NULL,
    won_to_date            numeric(18, 2) NOT NULL,
    won_deals              integer NOT NULL,
    open_pipeline_amount   numeric(18, 2) NOT NULL,
    open_pipeline_expected numeric(18, 2) NOT NULL,
    open_deals             integer NOT NULL,
    not_yet_created        numeric(18, 2) NOT NULL,
    run_rate               numeric(18, 2) NOT NULL,
    weighted_pipeline      numeric(18, 2) NOT NULL,
    target                 numeric(18, 2),
    commit_call            numeric(18, 2),
    computed_at            timestamptz NOT NULL,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id, as_of),
    CHECK (as_of BETWEEN period_start AND period_end),
    CHECK ((scope_kind = 'org') = (scope_id = 0))
);

-- A night's rows are replaced together.
CREATE INDEX forecast_history_night ON kpi.forecast_history (org_id, as_of);

ALTER TABLE kpi.forecast_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE kpi.forecast_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kpi.forecast_history
    USING (org_id = (SELECT salesops.current_org_id()))
    WITH CHECK (org_id = (SELECT salesops.current_org_id()));

-- The read view: scopes by external id (null for the org), the forecast against the target.
CREATE VIEW kpi.forecasts WITH (security_invoker = true) AS
SELECT f.org_id, f.period_kind, f.period, f.period_start, f.period_end, f.as_of, f.scope_kind,
       CASE f.scope_kind WHEN 'team' THEN t.external_id WHEN 'rep' THEN r.external_id END AS scope_external_id,
       f.value, f.won_to_date, f.won_deals, f.open_pipeline_amount, f.open_pipeline_expected, f.open_deals,
       f.not_yet_created, f.target, round(100 * f.value / NULLIF(f.target, 0), 2) AS attainment_pct,
       f.commit_call, f.run_rate, f.weighted_pipeline, f.computed_at
FROM kpi.forecast_history f
LEFT JOIN salesops.teams t ON f.scope_kind = 'team' AND t.org_id = f.org_id AND t.id = f.scope_id
LEFT JOIN salesops.reps r ON f.scope_kind = 'rep' AND r.org_id = f.org_id AND r.id = f.scope_id;

GRANT SELECT ON kpi.forecasts, kpi.forecast_history TO salesops_reader;
GRANT SELECT ON kpi.forecasts TO salesops_app;

-- Readers reach the new table's columns: it keeps no planner statistics (sql/023).
SELECT salesops_meta.hide_reader_statistics();
