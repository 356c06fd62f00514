-- The temporary tables a KPI run's family statements read and write, created by one call so
-- the engine and a person in psql set a run up the same way:
--
--   BEGIN;
--   SET LOCAL ROLE salesops_app; SELECT set_config('salesops.org_id', '42', true);
--   SELECT kpi.prepare_run(42, '2026-11-01', '2026-11-30');
--   PREPARE additive(bigint, text) AS <Sources/SalesOps/KPI/Families/additive.sql>;
--   EXPLAIN (ANALYZE, BUFFERS) EXECUTE additive(42, 'Europe/Berlin');
--   ROLLBACK;
--
-- kpi_periods: every period covering a day of [from_day, to_day] on the org's fiscal
--   calendar, with stop = min(end, to_day);
-- kpi_window: the instants low ..< high those periods span in the org's time zone;
-- kpi_rep_scopes: each rep with every scope it counts toward (itself, every team whose subtree
--   holds its current team, the org); rep 0, unattributed items, counts toward the org only;
-- kpi_day_periods: each local day with every period it counts toward (for equality joins);
-- kpi_new_facts, kpi_new_stage_facts, kpi_new_breakdown_facts: what the families compute.
-- All are dropped at commit. Returns the number of periods.
CREATE FUNCTION kpi.prepare_run(org bigint, from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    zone text;
    fiscal_start integer;
    periods integer;
BEGIN
    SELECT o.timezone, o.fiscal_year_start_month INTO STRICT zone, fiscal_start FROM salesops.orgs o WHERE o.id = org;
    CREATE TEMPORARY TABLE kpi_periods ON COMMIT DROP AS
    SELECT c.period_kind, c.period_start, c.period_end, LEAST(c.period_end, to_day) AS stop
    FROM kpi.periods_covering(from_day, to_day, fiscal_start) c;
    CREATE TEMPORARY TABLE kpi_window ON COMMIT DROP AS
    SELECT salesops.day_start(min(p.period_start), zone) AS low, salesops.day_start(max(p.stop) + 1, zone) AS high
    FROM kpi_periods p;
    CREATE TEMPORARY TABLE kpi_rep_scopes ON COMMIT DROP AS
    SELECT r.id AS rep_id, 'rep'::text AS scope_kind, r.id AS scope_id FROM salesops.reps r WHERE r.org_id = org
    UNION ALL
    SELECT r.id, 'team', t.id
    FROM salesops.teams t
    CROSS JOIN LATERAL salesops.team_subtree(org, t.id) s
    JOIN salesops.reps r ON r.org_id = org AND r.team_id = s.team_id
    WHERE t.org_id = org
    UNION ALL SELECT r.id, 'org', 0 FROM salesops.reps r WHERE r.org_id = org
    UNION ALL SELECT 0, 'org', 0;
    CREATE TEMPORARY TABLE kpi_day_periods ON COMMIT DROP AS
    SELECT day::date AS day, p.period_kind, p.period_start
    FROM kpi_periods p CROSS JOIN generate_series(p.period_start, p.stop, interval '1 day') AS day;
    -- Autovacuum never analyzes temporary tables; without statistics the planner misjudges
    -- every join against them.
    ANALYZE kpi_periods, kpi_day_periods, kpi_window, kpi_rep_scopes;
    CREATE TEMPORARY TABLE kpi_new_facts (
        period_kind text, period_start date, scope_kind text, scope_id bigint, metric text,
        value numeric, numerator numeric, denominator numeric
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE kpi_new_stage_facts (
        period_kind text, period_start date, stage_id bigint, metric text,
        value numeric, numerator numeric, denominator numeric
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE kpi_new_breakdown_facts (
        period_kind text, period_start date, scope_kind text, scope_id bigint, dimension text, key text,
        metric text, value numeric
    ) ON COMMIT DROP;
    SELECT count(*) INTO periods FROM kpi_periods;
    RETURN periods;
END
$$;
REVOKE EXECUTE ON FUNCTION kpi.prepare_run(bigint, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kpi.prepare_run(bigint, date, date) TO salesops_app;
