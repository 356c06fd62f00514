-- Functions that read tables are PL/pgSQL (README "When one machine is not enough").
--
-- The planner inlines a SQL function into the statement calling it. On a Citus coordinator
-- that happens after Citus has planned the statement, so an inlined function's read of a
-- distributed table scans the coordinator's empty placeholder of it: no error, no rows. (A
-- SQL function not inlined is refused outright when its arguments are parameters.) A PL/pgSQL
-- function is never inlined: each of its statements is planned by Citus with the arguments'
-- values and routed to the org's node; called inside a statement already routed to a node,
-- it reads that node's rows (CitusLayout allows the nested read for these functions). On one
-- node the results are the same. CitusLayoutTests keeps any SQL function of the schema from
-- reading a distributed table: the team subtree, the deal history and a run's lease expiry
-- were the three that did.

-- A team and every team below it (sql/026), as before.
CREATE OR REPLACE FUNCTION salesops.team_subtree(org bigint, root bigint)
RETURNS TABLE (team_id bigint, depth integer, path text[])
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 20 AS $$
#variable_conflict use_column
BEGIN
    -- Columns named in the first branch, not in a column list: Citus drops a CTE's column
    -- list when it passes the statement on to the org's node.
    RETURN QUERY
    WITH RECURSIVE subtree AS (
        SELECT t.id AS team_id, 0 AS depth, ARRAY[t.name] AS path
        FROM salesops.teams t
        WHERE t.org_id = org AND (t.id = root OR (root IS NULL AND t.parent_id IS NULL))
        UNION ALL
        SELECT t.id, s.depth + 1, s.path || t.name
        FROM subtree s
        JOIN salesops.teams t ON t.org_id = org AND t.parent_id = s.team_id
        WHERE s.depth < 10000
    )
    SELECT s.team_id, s.depth, s.path FROM subtree s;
END
$$;

-- Every deal's stays in its stages as known by an instant (sql/032), as before.
CREATE OR REPLACE FUNCTION kpi.deal_spells(org bigint, known_by timestamptz)
RETURNS TABLE (deal_id bigint, owner_rep_id bigint, pipeline_id bigint, amount numeric, created_at timestamptz,
               stage_id bigint, stage_kind text, entered_at timestamptz, left_at timestamptz)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10000 SET search_path = pg_catalog AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY

        -- One pass of window functions over the deals and their changes, sorted per deal: no join
        -- whose cost depends on the planner's statistics (a freshly loaded org has none).
        WITH entry AS (
            SELECT DISTINCT ON (s.pipeline_id) s.pipeline_id, s.id
            FROM salesops.stages s
            WHERE s.org_id = org AND s.kind = 'open'
            ORDER BY s.pipeline_id, s.position
        ), events AS (
            -- kind 0: the deal's creation; 1: a recorded change; 2: the close of a deal (used only
            -- when the deal has no recorded change at all)
            SELECT d.id AS deal_id, 0 AS kind, 0::bigint AS change_id, d.created_at AS at, NULL::bigint AS from_stage_id,
                   NULL::bigint AS to_stage_id, d.stage_id AS current_stage_id, d.closed_at, e.id AS entry_stage_id,
                   d.owner_rep_id, d.pipeline_id, d.amount
            FROM salesops.deals d
            LEFT JOIN entry e ON e.pipeline_id = d.pipeline_id
            WHERE d.org_id = org AND d.created_at < known_by
            UNION ALL
            SELECT d.id, 2, 0, d.closed_at, NULL, d.stage_id, NULL, NULL, NULL, NULL, NULL, NULL
            FROM salesops.deals d
            WHERE d.org_id = org AND d.closed_at < known_by
            UNION ALL
            SELECT c.deal_id, 1, c.id, c.changed_at, c.from_stage_id, c.to_stage_id, NULL, NULL, NULL, NULL, NULL, NULL
            FROM salesops.deal_stage_changes c
            WHERE c.org_id = org
        ), described AS (
            SELECT e.*,
                   bool_or(e.kind = 0) OVER deal AS known,
                   count(*) FILTER (WHERE e.kind = 1) OVER deal > 0 AS has_history,
                   first_value(e.from_stage_id) OVER (PARTITION BY e.deal_id ORDER BY e.kind <> 1, e.at, e.change_id) AS first_from_stage_id,
                   max(e.current_stage_id) OVER deal AS deal_stage_id, max(e.closed_at) OVER deal AS deal_closed_at,
                   max(e.entry_stage_id) OVER deal AS deal_entry_stage_id,
                   max(e.owner_rep_id) OVER deal AS deal_owner_rep_id, max(e.pipeline_id) OVER deal AS deal_pipeline_id,
                   max(e.amount) OVER deal AS deal_amount, min(e.at) FILTER (WHERE e.kind = 0) OVER deal AS deal_created_at
            FROM events e
            WINDOW deal AS (PARTITION BY e.deal_id)
        ), kept AS (
            SELECT d.deal_id, d.deal_owner_rep_id, d.deal_pipeline_id, d.deal_amount, d.deal_created_at, d.at, d.kind, d.change_id,
                   CASE d.kind
                       WHEN 1 THEN d.to_stage_id
                       WHEN 2 THEN d.to_stage_id
                       ELSE CASE WHEN d.has_history THEN COALESCE(d.first_from_stage_id, d.deal_entry_stage_id)
                                 WHEN d.deal_closed_at IS NULL THEN d.deal_stage_id
                                 ELSE d.deal_entry_stage_id END
                   END AS stage_id
            FROM described d
            WHERE d.known
              AND (d.kind = 0 OR (d.kind = 1 AND d.at < known_by) OR (d.kind = 2 AND NOT d.has_history))
        ), spells AS (
            SELECT k.*, lead(k.at) OVER (PARTITION BY k.deal_id ORDER BY k.at, k.kind, k.change_id) AS left_at
            FROM kept k
        )
        SELECT sp.deal_id, sp.deal_owner_rep_id, sp.deal_pipeline_id, sp.deal_amount, sp.deal_created_at, sp.stage_id, st.kind,
               sp.at, sp.left_at
        FROM spells sp
        JOIN salesops.stages st ON st.org_id = org AND st.id = sp.stage_id
        WHERE sp.left_at IS NULL OR sp.left_at > sp.at;
END
$$;

-- When a run's lease ends (sql/021): the later of the claim's expiry and its holder's last
-- heartbeat's. It now takes the run's columns, not its row: on a cluster the run records are
-- a coordinator table in Citus's metadata, whose row type Citus moves to the table's shard
-- (a function taking the row could no longer be called on the table).
DO $$
DECLARE
    old regprocedure;
BEGIN
    FOR old IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'salesops' AND p.proname = 'scheduler_lease_expiry' LOOP
        EXECUTE format('DROP FUNCTION %s', old);
    END LOOP;
END
$$;
CREATE FUNCTION salesops.scheduler_lease_expiry(org bigint, night date, lease_token uuid, claim_expires_at timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN GREATEST(claim_expires_at,
                    (SELECT l.lease_expires_at FROM salesops.scheduler_leases l
                     WHERE l.org_id = org AND l.night = scheduler_lease_expiry.night AND l.lease_token = scheduler_lease_expiry.lease_token));
END
$$;

-- A night's success proof (sql/019) compares the night's computed_at with the transaction's
-- start read here, on the session's node: on a cluster the check's read runs on the org's
-- node, where now() is that node's own transaction start.
CREATE OR REPLACE FUNCTION salesops.scheduler_runs_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    transaction_start constant timestamptz := now();
BEGIN
    IF TG_OP = 'INSERT' AND NEW.status <> 'running' THEN
        RAISE EXCEPTION 'night % of org % must start as running (through a claim), not %', NEW.night, NEW.org_id, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'succeeded' THEN
        IF OLD.status <> 'running' OR NEW.lease_token <> OLD.lease_token THEN
            RAISE EXCEPTION 'night % of org % can succeed only from running, under its lease', NEW.night, NEW.org_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM kpi.materialized_periods p
                       WHERE p.org_id = NEW.org_id AND p.period_kind = 'day' AND p.period_start = NEW.night
                         AND p.as_of = NEW.night AND p.computed_at = transaction_start) THEN
            RAISE EXCEPTION 'night % of org % was not materialized in this transaction', NEW.night, NEW.org_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
