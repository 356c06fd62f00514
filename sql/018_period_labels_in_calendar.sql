-- Period labels of year 0000 are not periods: PostgreSQL's calendar has no year 0, so
-- their bounds cannot be computed. Until now `period_label_kind` accepted them, an import
-- check (which only asked whether bounds exist) let them in, and every later read of the
-- org's targets failed. Now they have no kind and no bounds: imports and `target set`
-- refuse them, and rows already stored drop out of `kpi.target_attainment` instead of
-- failing it.

CREATE OR REPLACE FUNCTION salesops.period_label_kind(period text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN period LIKE '0000%' THEN NULL
        WHEN period ~ '^[0-9]{4}$' THEN 'year'
        WHEN period ~ '^[0-9]{4}-Q[1-4]$' THEN 'quarter'
        WHEN period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN 'month'
        WHEN period ~ '^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$' THEN 'week'
    END
$$;
