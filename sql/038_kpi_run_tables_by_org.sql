-- A KPI run's working tables carry the org (README "When one machine is not enough").
--
-- A run's family statements read and write the tables kpi.prepare_run sets up (sql/028).
-- On one node they are temporary tables, dropped at commit. A Citus cluster cannot join a
-- coordinator's temporary table to an org's rows without shipping one to the other, so there
-- the run works in the tables of the schema kpi_run, distributed by org_id with the org's
-- other rows: every statement of a run names its org and is routed whole to the org's node.
-- The run finds them by the names it always used: on a cluster the materializer puts kpi_run
-- on the transaction's search_path, on one node prepare_run creates temporary tables of the
-- same names and columns (LIKE kpi_run.*), which come first. Either way each table has the
-- org as its first column and every statement filters on it; on a cluster the run deletes its
-- rows before it commits (kpi.finish_run), so no other transaction ever sees them.
--
-- kpi_periods, kpi_window, kpi_rep_scopes, kpi_day_periods: as in sql/028;
-- kpi_new_facts, kpi_new_stage_facts, kpi_new_breakdown_facts: what the families compute;
-- kpi_new_metric_fact_sets, kpi_new_breakdown_fact_sets: the new facts grouped as stored
--   (sql/029); *_changes: the new rows that differ from the stored ones.
CREATE SCHEMA kpi_run;
REVOKE ALL ON SCHEMA kpi_run FROM PUBLIC;
GRANT USAGE ON SCHEMA kpi_run TO salesops_app;

CREATE UNLOGGED TABLE kpi_run.kpi_periods (
    org_id bigint NOT NULL, period_kind text, period_start date, period_end date, stop date
);
CREATE UNLOGGED TABLE kpi_run.kpi_window (org_id bigint NOT NULL, low timestamptz, high timestamptz);
CREATE UNLOGGED TABLE kpi_run.kpi_rep_scopes (org_id bigint NOT NULL, rep_id bigint, scope_kind text, scope_id bigint);
CREATE UNLOGGED TABLE kpi_run.kpi_day_periods (org_id bigint NOT NULL, day date, period_kind text, period_start date);
CREATE UNLOGGED TABLE kpi_run.kpi_new_facts (
    org_id bigint NOT NULL, period_kind text, period_start date, scope_kind text, scope_id bigint, metric text,
    value numeric, numerator numeric, denominator numeric
);
CREATE UNLOGGED TABLE kpi_run.kpi_new_stage_facts (
    org_id bigint NOT NULL, period_kind text, period_start date, stage_id bigint, metric text,
    value numeric, numerator numeric, denominator numeric
);
CREATE UNLOGGED TABLE kpi_run.kpi_new_breakdown_facts (
    org_id bigint NOT NULL, period_kind text, period_start date, scope_kind text, scope_id bigint, dimension text, key text,
    metric text, value numeric
);
CREATE UNLOGGED TABLE kpi_run.kpi_new_metric_fact_sets (
    org_id bigint NOT NULL, period_kind text, period_start date, scope_kind text, scope_id bigint,
    metric_ids smallint[], value_array numeric[], numerator_array numeric[], denominator_array numeric[]
);
CREATE UNLOGGED TABLE kpi_run.kpi_new_breakdown_fact_sets (
    org_id bigint NOT NULL, period_kind text, period_start date, scope_kind text, scope_id bigint,
    series_ids smallint[], keys text[], value_array numeric[]
);
CREATE UNLOGGED TABLE kpi_run.kpi_new_metric_fact_sets_changes (LIKE kpi_run.kpi_new_metric_fact_sets);
CREATE UNLOGGED TABLE kpi_run.kpi_new_stage_facts_changes (LIKE kpi_run.kpi_new_stage_facts);
CREATE UNLOGGED TABLE kpi_run.kpi_new_breakdown_fact_sets_changes (LIKE kpi_run.kpi_new_breakdown_fact_sets);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA kpi_run TO salesops_app;

-- The run's tables, in the order prepare_run fills them.
CREATE FUNCTION kpi.run_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['kpi_periods', 'kpi_window', 'kpi_rep_scopes', 'kpi_day_periods', 'kpi_new_facts', 'kpi_new_stage_facts',
                 'kpi_new_breakdown_facts', 'kpi_new_metric_fact_sets', 'kpi_new_breakdown_fact_sets',
                 'kpi_new_metric_fact_sets_changes', 'kpi_new_stage_facts_changes', 'kpi_new_breakdown_fact_sets_changes']
$$;

-- Sets a run up (psql: see sql/028; on a cluster, first SET LOCAL search_path = kpi_run, public).
-- Every statement names the org, so on a cluster each is routed to the org's node; the team
-- subtrees are a recursive query here rather than salesops.team_subtree, which a node could
-- not run inside a statement routed to it. Returns the number of periods.
DROP FUNCTION kpi.prepare_run(bigint, date, date);
CREATE FUNCTION kpi.prepare_run(org bigint, from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    zone text;
    fiscal_start integer;
    periods integer;
    run_table text;
BEGIN
    SELECT o.timezone, o.fiscal_year_start_month INTO STRICT zone, fiscal_start FROM salesops.orgs o WHERE o.id = org;
    IF coalesce(current_setting('salesops.distributed', true), '') <> 'on' THEN
        FOREACH run_table IN ARRAY kpi.run_tables() LOOP
            EXECUTE format('CREATE TEMPORARY TABLE %I (LIKE kpi_run.%I) ON COMMIT DROP', run_table, run_table);
        END LOOP;
    END IF;
    INSERT INTO kpi_periods (org_id, period_kind, period_start, period_end, stop)
    SELECT org, c.period_kind, c.period_start, c.period_end, LEAST(c.period_end, to_day)
    FROM kpi.periods_covering(from_day, to_day, fiscal_start) c;
    INSERT INTO kpi_window (org_id, low, high)
    SELECT p.org_id, salesops.day_start(min(p.period_start), zone), salesops.day_start(max(p.stop) + 1, zone)
    FROM kpi_periods p WHERE p.org_id = org
    GROUP BY p.org_id;
    INSERT INTO kpi_rep_scopes (org_id, rep_id, scope_kind, scope_id)
    WITH RECURSIVE subtree AS (
        -- Columns named here, not in a column list, which Citus drops when it routes a statement.
        SELECT t.id AS root_id, t.id AS team_id, 0 AS depth FROM salesops.teams t WHERE t.org_id = org
        UNION ALL
        SELECT s.root_id, t.id, s.depth + 1
        FROM subtree s JOIN salesops.teams t ON t.org_id = org AND t.parent_id = s.team_id
        WHERE s.depth < 10000
    )
    SELECT org, r.id, 'rep', r.id FROM salesops.reps r WHERE r.org_id = org
    UNION ALL
    SELECT org, r.id, 'team', s.root_id FROM subtree s JOIN salesops.reps r ON r.org_id = org AND r.team_id = s.team_id
    UNION ALL SELECT org, r.id, 'org', 0 FROM salesops.reps r WHERE r.org_id = org
    UNION ALL SELECT org, 0, 'org', 0;
    INSERT INTO kpi_day_periods (org_id, day, period_kind, period_start)
    SELECT p.org_id, day::date, p.period_kind, p.period_start
    FROM kpi_periods p CROSS JOIN generate_series(p.period_start, p.stop, interval '1 day') AS day
    WHERE p.org_id = org;
    IF coalesce(current_setting('salesops.distributed', true), '') <> 'on' THEN
        -- Autovacuum never analyzes temporary tables; without statistics the planner misjudges
        -- every join against them.
        ANALYZE kpi_periods, kpi_day_periods, kpi_window, kpi_rep_scopes;
    END IF;
    SELECT count(*) INTO periods FROM kpi_periods p WHERE p.org_id = org;
    RETURN periods;
END
$$;
REVOKE EXECUTE ON FUNCTION kpi.prepare_run(bigint, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kpi.prepare_run(bigint, date, date) TO salesops_app;

-- Ends a run before it commits: on a cluster deletes the org's rows from the run's tables (on
-- one node the temporary tables go at commit).
CREATE FUNCTION kpi.finish_run(org bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    run_table text;
BEGIN
    IF coalesce(current_setting('salesops.distributed', true), '') = 'on' THEN
        FOREACH run_table IN ARRAY kpi.run_tables() LOOP
            EXECUTE format('DELETE FROM kpi_run.%I WHERE org_id = $1', run_table) USING org;
        END LOOP;
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION kpi.finish_run(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kpi.finish_run(bigint) TO salesops_app;

-- Forced row-level security and the tenant policies, like every table with an org_id: only the
-- product's sessions reach these tables, and then only the chosen org's rows.
SELECT salesops_meta.isolate_tenant_table(format('kpi_run.%I', t)::regclass) FROM unnest(kpi.run_tables()) AS t;
