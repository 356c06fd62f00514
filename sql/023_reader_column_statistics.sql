-- No planner statistics on the columns a tenant's own SQL session can reach (SPEC §9).
--
-- Row-level security hides other orgs' rows, but the planner still estimates with column
-- statistics gathered over *every* org whenever an operator is leakproof (text =, <, int8 =,
-- ...): `EXPLAIN SELECT 1 FROM kpi.breakdown_facts WHERE key = 'X'` estimated more rows when
-- another org had that key, and bisecting with `<` recovered its values. A BI reader holds
-- SELECT on the columns beneath the security_invoker views, so every such column is a
-- probe. The cure chosen here: those columns keep no statistics (attstattarget 0, existing
-- rows removed), so every estimate over them is PostgreSQL's default selectivity, the same
-- whatever any org holds.
--
-- The cost falls on the product's plans over the same columns. They are keyed lookups on
-- indexes that lead with org_id (facts by org, period, scope and metric; teams, reps,
-- pipelines and stages by org and id), and the planner still has the unique indexes, the
-- table sizes and the statistics of every column readers cannot reach (amounts, dates and
-- foreign keys of the raw records the engine aggregates). The README shows the heavy
-- statements' plans before and after.
--
-- What stays visible to any login is pg_class.reltuples/relpages: the total size of a
-- shared table, which names no org and no value.
--
-- A column granted to salesops_reader later must call hide_reader_statistics() in the same
-- migration; ReaderStatisticsTests checks every reachable column from the catalog.

-- Removes the statistics of every column of a tenant table that salesops_reader (and so every
-- reader login) can select, and stops ANALYZE from gathering them again (attstattarget 0).
-- Only a superuser may delete rows of pg_statistic (changing the column's type would drop
-- them too, but PostgreSQL refuses that while views, policies and generated columns read the
-- column, which all of these do). So when statistics exist, a migration run by another login
-- stops with a message saying so; a new database has none to remove. Returns the number of
-- columns whose statistics were removed.
CREATE FUNCTION salesops_meta.hide_reader_statistics() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    reachable record;
    removed integer;
BEGIN
    FOR reachable IN
        SELECT c.oid::regclass AS relation, a.attname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind IN ('r', 'p') AND c.relrowsecurity
          AND has_column_privilege('salesops_reader', c.oid, a.attnum, 'SELECT') AND a.attstattarget <> 0
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS 0', reachable.relation, reachable.attname);
    END LOOP;

    SELECT count(DISTINCT (s.starelid, s.staattnum)) INTO removed
    FROM pg_statistic s
    JOIN pg_class c ON c.oid = s.starelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('salesops', 'kpi') AND c.relrowsecurity
      AND has_column_privilege('salesops_reader', c.oid, s.staattnum, 'SELECT');
    IF removed = 0 THEN
        RETURN 0;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'planner statistics of % columns readers can reach must be removed, which only a superuser can do', removed
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'run this migration once as a superuser (salesctl migrate --database-url with a superuser login)';
    END IF;
    DELETE FROM pg_statistic s
    USING pg_class c, pg_namespace n
    WHERE c.oid = s.starelid AND n.oid = c.relnamespace AND n.nspname IN ('salesops', 'kpi') AND c.relrowsecurity
      AND has_column_privilege('salesops_reader', c.oid, s.staattnum, 'SELECT');
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.hide_reader_statistics() FROM PUBLIC;

SELECT salesops_meta.hide_reader_statistics();
