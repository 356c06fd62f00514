-- The spells a forecast needs, at a cost set by its window rather than by the org's history.
--
-- A night's forecasts look back a bounded time: their snapshots reach about two years back at
-- most, their not-yet-created rate one year before the rest of the period, their won to date
-- the period. kpi.deal_spells(org, known_by) (sql/040) rebuilds every deal the org ever had
-- to answer them, so a night with four years of history cost twice a night with one.
--
-- kpi.deal_spells(org, known_by, since) returns every spell, with the same rules and rows as
-- sql/040, of each deal that can matter from `since` on, and no other deal: deals created at
-- or after `since`; deals with a recorded change at or after it; deals with changes only
-- before it whose last change left them in an open stage; deals without recorded changes that
-- had not closed before it (such a deal is closed exactly when its stage is, by the CHECK of
-- sql/004). Every spell that is open at an instant at or after `since`, or that begins at or
-- after it, belongs to one of these deals, and each of them comes with all its spells (its
-- earlier wins too). What it reads of older deals is one pass over their changes, not a
-- rebuild of their history.
--
-- kpi.deal_spells(org, known_by) is the same function from the beginning of time.
CREATE OR REPLACE FUNCTION kpi.deal_spells(org bigint, known_by timestamptz, since timestamptz)
RETURNS TABLE (deal_id bigint, owner_rep_id bigint, pipeline_id bigint, amount numeric, created_at timestamptz,
               stage_id bigint, stage_kind text, entered_at timestamptz, left_at timestamptz)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10000 SET search_path = pg_catalog AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH entry AS (
            SELECT DISTINCT ON (s.pipeline_id) s.pipeline_id, s.id
            FROM salesops.stages s
            WHERE s.org_id = org AND s.kind = 'open'
            ORDER BY s.pipeline_id, s.position
        ), last_before AS (
            -- Where each deal changed to last before `since` (none from the beginning of time).
            SELECT DISTINCT ON (c.deal_id) c.deal_id, c.to_stage_id
            FROM salesops.deal_stage_changes c
            WHERE c.org_id = org AND c.changed_at < since
            ORDER BY c.deal_id, c.changed_at DESC, c.id DESC
        ), changed_since AS (
            SELECT DISTINCT c.deal_id FROM salesops.deal_stage_changes c WHERE c.org_id = org AND c.changed_at >= since
        ), selected AS (
            SELECT d.id, d.owner_rep_id, d.pipeline_id, d.amount, d.created_at, d.closed_at, d.stage_id
            FROM salesops.deals d
            LEFT JOIN last_before b ON b.deal_id = d.id
            LEFT JOIN salesops.stages bs ON bs.org_id = org AND bs.id = b.to_stage_id
            WHERE d.org_id = org AND d.created_at < known_by
              AND (d.created_at >= since
                   OR bs.kind = 'open'
                   OR (b.deal_id IS NULL AND (d.closed_at IS NULL OR d.closed_at >= since))
                   OR d.id IN (SELECT s.deal_id FROM changed_since s))
        ), first_changes AS (
            SELECT DISTINCT ON (c.deal_id) c.deal_id, c.from_stage_id
            FROM salesops.deal_stage_changes c
            JOIN selected s ON s.id = c.deal_id
            WHERE c.org_id = org
            ORDER BY c.deal_id, c.changed_at, c.id
        ), known AS (
            SELECT d.id, d.owner_rep_id, d.pipeline_id, d.amount, d.created_at, d.closed_at, d.stage_id,
                   f.deal_id IS NOT NULL AS has_history,
                   CASE WHEN f.deal_id IS NOT NULL THEN COALESCE(f.from_stage_id, e.id)
                        WHEN d.closed_at IS NULL THEN d.stage_id
                        ELSE e.id END AS first_stage_id
            FROM selected d
            LEFT JOIN entry e ON e.pipeline_id = d.pipeline_id
            LEFT JOIN first_changes f ON f.deal_id = d.id
        ), events AS (
            -- kind 0: the deal's creation; 1: a recorded change; 2: the close of a deal without one
            SELECT k.id AS deal_id, 0 AS kind, 0::bigint AS change_id, k.created_at AS at, k.first_stage_id AS stage_id
            FROM known k
            UNION ALL
            SELECT k.id, 2, 0, k.closed_at, k.stage_id FROM known k WHERE NOT k.has_history AND k.closed_at < known_by
            UNION ALL
            SELECT c.deal_id, 1, c.id, c.changed_at, c.to_stage_id
            FROM salesops.deal_stage_changes c
            JOIN known k ON k.id = c.deal_id
            WHERE c.org_id = org AND c.changed_at < known_by
        ), spells AS (
            SELECT e.deal_id, e.stage_id, e.at, lead(e.at) OVER (PARTITION BY e.deal_id ORDER BY e.at, e.kind, e.change_id) AS left_at
            FROM events e
        )
        SELECT sp.deal_id, k.owner_rep_id, k.pipeline_id, k.amount, k.created_at, sp.stage_id, st.kind, sp.at, sp.left_at
        FROM spells sp
        JOIN known k ON k.id = sp.deal_id
        JOIN salesops.stages st ON st.org_id = org AND st.id = sp.stage_id
        WHERE sp.left_at IS NULL OR sp.left_at > sp.at;
END
$$;

CREATE OR REPLACE FUNCTION kpi.deal_spells(org bigint, known_by timestamptz)
RETURNS TABLE (deal_id bigint, owner_rep_id bigint, pipeline_id bigint, amount numeric, created_at timestamptz,
               stage_id bigint, stage_kind text, entered_at timestamptz, left_at timestamptz)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10000 SET search_path = pg_catalog AS $$
BEGIN
    RETURN QUERY SELECT * FROM kpi.deal_spells(org, known_by, '-infinity'::timestamptz);
END
$$;
