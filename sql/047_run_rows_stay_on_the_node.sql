-- A run's own rows are written on the org's node: no statement of kpi.prepare_run or of the
-- quotas family sends rows from a worker through the coordinator on a Citus cluster.
--
-- Citus sends an `INSERT … SELECT` whole to the node of its rows only when the inserted org_id
-- is the org_id column of a table the `SELECT` reads, and when the `SELECT` joins no reference
-- table. Otherwise it runs the `SELECT` on the org's node, collects its rows on the
-- coordinator and inserts them from there (DEBUG1: "Collecting INSERT ... SELECT results on
-- coordinator"). Two run statements did that:
--
--   * kpi.prepare_run inserted each rep's scopes with the function's `org` argument as the
--     org_id, and the org's own scope row from no table at all. The reps' rows now carry their
--     own org_id, and the org's row is a plain one-row insert.
--   * The quotas family joined salesops.orgs (a reference table) for the org's fiscal year,
--     which the targets' period labels need. The run's window row (kpi_window, one per org and
--     run) now carries the fiscal year's first month, and the family joins that.
--
-- The periods a run covers still come from kpi.periods_covering on the coordinator: those rows
-- are made there, not read from a node.
ALTER TABLE kpi_run.kpi_window ADD COLUMN fiscal_year_start_month integer;

CREATE OR REPLACE FUNCTION kpi.prepare_run(org bigint, from_day date, to_day date) RETURNS integer
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
    INSERT INTO kpi_window (org_id, low, high, fiscal_year_start_month)
    SELECT p.org_id, salesops.day_start(min(p.period_start), zone), salesops.day_start(max(p.stop) + 1, zone), fiscal_start
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
    SELECT r.org_id, r.id, 'rep', r.id FROM salesops.reps r WHERE r.org_id = org
    UNION ALL
    SELECT r.org_id, r.id, 'team', s.root_id FROM subtree s JOIN salesops.reps r ON r.org_id = org AND r.team_id = s.team_id
    UNION ALL SELECT r.org_id, r.id, 'org', 0 FROM salesops.reps r WHERE r.org_id = org;
    INSERT INTO kpi_rep_scopes (org_id, rep_id, scope_kind, scope_id) VALUES (org, 0, 'org', 0);
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
