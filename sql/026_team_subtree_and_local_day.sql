-- Two definitions every reader of the data shares, written once.

-- The local calendar day of an instant in an IANA time zone: every "local day" of the KPI
-- catalogue (SPEC §5) is this. A one-expression SQL function the planner inlines, so a
-- statement using it plans exactly as if the expression were written out.
CREATE FUNCTION salesops.local_day(instant timestamptz, time_zone text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (instant AT TIME ZONE time_zone)::date
$$;

-- A team and every team below it in its org's tree, with each team's depth below the root
-- (the root 0) and its path of names from the root (for depth-first display order). With a
-- NULL root: every team of the org, top-level teams at depth 0. Runs as the caller, so
-- row-level security applies as well as the explicit org filter. Parent cycles are refused
-- by the teams' trigger (sql/025); the depth bound only keeps a defect from looping.
CREATE FUNCTION salesops.team_subtree(org bigint, root bigint)
RETURNS TABLE (team_id bigint, depth integer, path text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH RECURSIVE subtree (team_id, depth, path) AS (
        SELECT t.id, 0, ARRAY[t.name]
        FROM salesops.teams t
        WHERE t.org_id = org AND (t.id = root OR (root IS NULL AND t.parent_id IS NULL))
        UNION ALL
        SELECT t.id, s.depth + 1, s.path || t.name
        FROM subtree s
        JOIN salesops.teams t ON t.org_id = org AND t.parent_id = s.team_id
        WHERE s.depth < 10000
    )
    SELECT team_id, depth, path FROM subtree
$$;

-- The instant a local day starts in an IANA time zone: the inverse of local_day, so
-- local_day(t, z) = d exactly when day_start(d, z) <= t < day_start(d + 1, z).
CREATE FUNCTION salesops.day_start(day date, time_zone text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT day::timestamp AT TIME ZONE time_zone
$$;
