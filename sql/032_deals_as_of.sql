-- The pipeline as it stood at a past instant (SPEC §10), rebuilt from the stage history:
-- the one place forecasts, backtests and plans learn which deals were open, won or lost at
-- a time, in which stage and since when.
--
-- kpi.deal_spells(org, known_by) cuts every deal created before `known_by` into spells: one
-- row per stay in a stage, [entered_at, left_at), with left_at NULL while the deal was still
-- in it at `known_by`. Only what was recorded before `known_by` is read, except where the
-- history is silent, by these rules:
--   * the recorded changes before known_by make the spells from the first of them on;
--   * before a deal's first recorded change it sat in that change's from-stage, or, without
--     one, in its pipeline's entry stage (the first open stage by position);
--   * a deal with no recorded change at all is described by its current row: open now, it
--     has sat in its current stage since it was created; closed before known_by, it sat in
--     the entry stage until closed_at and in its current stage since; closed later, it sat
--     in the entry stage.
-- Amounts and owners are the deals' current values: there is no history of them.
CREATE FUNCTION kpi.deal_spells(org bigint, known_by timestamptz)
RETURNS TABLE (deal_id bigint, owner_rep_id bigint, pipeline_id bigint, amount numeric, created_at timestamptz,
               stage_id bigint, stage_kind text, entered_at timestamptz, left_at timestamptz)
-- Never inlined into a caller (the SET clause sees to that): planned on its own, its result
-- is estimated by ROWS, not by a guess about the window functions' output.
LANGUAGE sql STABLE PARALLEL SAFE ROWS 10000 SET search_path = pg_catalog AS $$
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
    WHERE sp.left_at IS NULL OR sp.left_at > sp.at
$$;

-- Each deal created before `at` as it stood just before `at`: its stage, since when, and
-- (closed) when it closed.
CREATE FUNCTION kpi.deals_as_of(org bigint, at timestamptz)
RETURNS TABLE (deal_id bigint, owner_rep_id bigint, pipeline_id bigint, amount numeric, created_at timestamptz,
               stage_id bigint, stage_kind text, entered_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.deal_id, s.owner_rep_id, s.pipeline_id, s.amount, s.created_at, s.stage_id, s.stage_kind, s.entered_at
    FROM kpi.deal_spells(org, at) s
    WHERE s.left_at IS NULL
$$;
