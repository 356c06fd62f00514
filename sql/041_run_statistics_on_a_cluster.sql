-- Planner statistics of a run's tables on a Citus cluster (README "The KPI engine on a cluster").
--
-- On one node a run's tables are temporary: prepare_run fills and analyzes them, and the family
-- statements are planned for the rows they hold. On a cluster they are the shards of kpi_run,
-- shared by every org of a shard and emptied by each run before it commits. Their statistics
-- are whatever was last measured: nothing, or an ANALYZE (autovacuum's, say) that found them
-- empty — then every join against them is planned for one row, and a family that takes half a
-- second with statistics took 21 s with nested loops in a test.
--
-- kpi.analyze_run_tables(org, tables) analyzes, on the node it runs on, the shards of the named
-- run tables that hold the org's rows. The materializer calls it in a statement routed to the
-- org's node, inside the run, after filling the tables: the analysis sees the run's own rows,
-- and only the org's shards are analyzed. SKIP_LOCKED: a shard another run is analyzing (its
-- lock is held until that run commits) keeps the statistics it has, so no run waits for
-- another org's. The row counts an ANALYZE records outlive the run; the shard's next run
-- starts from them.
CREATE FUNCTION kpi.analyze_run_tables(org bigint, tables text[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog SET client_min_messages = error AS $$
DECLARE
    run_table text;
    shard regclass;
    analyzed integer := 0;
BEGIN
    FOREACH run_table IN ARRAY tables LOOP
        IF NOT run_table = ANY (kpi.run_tables()) THEN
            RAISE EXCEPTION 'kpi.analyze_run_tables: % is not a run table', run_table USING ERRCODE = '22023';
        END IF;
        shard := to_regclass(shard_name(format('kpi_run.%I', run_table)::regclass,
                                        get_shard_id_for_distribution_column(format('kpi_run.%I', run_table)::regclass, org)));
        IF shard IS NOT NULL THEN
            EXECUTE format('ANALYZE (SKIP_LOCKED) %s', shard);
            analyzed := analyzed + 1;
        END IF;
    END LOOP;
    RETURN analyzed;
END
$$;
REVOKE EXECUTE ON FUNCTION kpi.analyze_run_tables(bigint, text[]) FROM PUBLIC;
