-- The breakdowns family (breakdowns facts).
--
-- Breakdowns (SPEC §5.2), every period kind and scope, into `kpi_new_breakdown_facts`:
-- `revenue` and `deals_won` by `region` and `source` (of the account), `product` and
-- `deal_type` (of the deal); `new_leads` by `lead_source`; and `leads` created by e by
-- `lifecycle_stage` (the furthest of disqualified, customer, sql, mql, lead reached by e).
-- A null key is `(none)`. The lifecycle snapshot counts moves between stages and sums them
-- up to each stop, so its cost follows the leads once, not once per stop; a lead whose every
-- milestone lies on or before the first stop (most of an old org's leads, in a night) adds
-- one count there without its milestones being ordered.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE breakdowns(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE breakdowns(<org id>, '<time zone>');
WITH won AS (
    SELECT salesops.local_day(d.closed_at, $2) AS day, d.owner_rep_id AS rep_id, d.amount, d.product, d.type,
           a.region, a.source
    FROM salesops.deals d
    CROSS JOIN kpi_window w
    JOIN salesops.accounts a ON a.org_id = $1 AND a.id = d.account_id
    WHERE d.org_id = $1 AND w.org_id = $1 AND d.stage_kind = 'won' AND d.closed_at >= w.low AND d.closed_at < w.high
), deal_keys AS (
    SELECT won.day, won.rep_id, won.amount, k.dimension, coalesce(k.key, '(none)') AS key
    FROM won
    CROSS JOIN LATERAL (VALUES ('region', won.region), ('source', won.source), ('product', won.product),
                               ('deal_type', won.type)) AS k (dimension, key)
), new_leads AS (
    SELECT salesops.local_day(l.created_at, $2) AS day, COALESCE(l.owner_rep_id, 0) AS rep_id,
           coalesce(l.source, '(none)') AS key
    FROM salesops.leads l CROSS JOIN kpi_window w
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.created_at >= w.low AND l.created_at < w.high
), bounds AS (
    SELECT min(stop) AS first_stop, max(stop) AS last_stop FROM kpi_periods WHERE org_id = $1
), lead_days AS MATERIALIZED (
    -- Each lead's milestones as local days; a lead whose every milestone is on or before the
    -- first stop is settled there, in the furthest stage it reached.
    SELECT l.id, COALESCE(l.owner_rep_id, 0) AS rep_id, m.*,
           GREATEST(m.created, m.mql, m.sql, m.converted, m.disqualified) <= b.first_stop AS settled
    FROM salesops.leads l
    CROSS JOIN kpi_window w
    CROSS JOIN bounds b
    CROSS JOIN LATERAL (SELECT salesops.local_day(l.created_at, $2) AS created, salesops.local_day(l.mql_at, $2) AS mql,
                               salesops.local_day(l.sql_at, $2) AS sql, salesops.local_day(l.converted_at, $2) AS converted,
                               salesops.local_day(l.disqualified_at, $2) AS disqualified) m
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.created_at < w.high
), lead_milestones AS (
    -- The milestones of the leads not settled at the first stop, none before the lead's
    -- creation day, ranked by how far they go: a lead is in the furthest stage it has reached.
    SELECT d.id, d.rep_id, greatest(m.day, d.created) AS day, m.rank
    FROM lead_days d
    CROSS JOIN LATERAL (VALUES (d.created, 0), (d.mql, 1), (d.sql, 2), (d.converted, 3), (d.disqualified, 4)) AS m (day, rank)
    WHERE NOT d.settled AND m.day IS NOT NULL
), lead_stages AS (
    -- The stage each lead is in from each milestone day on, and the stage it was in before.
    SELECT rep_id, day, rank, lag(rank) OVER (PARTITION BY id ORDER BY day) AS previous_rank
    FROM (SELECT id, rep_id, day, max(max(rank)) OVER (PARTITION BY id ORDER BY day) AS rank
          FROM lead_milestones GROUP BY id, rep_id, day) AS furthest
), stage_moves AS (
    -- +1 into a stage and -1 out of the previous one on the day a lead moves; moves
    -- before the first stop fold into it, so the history is counted once, not per stop,
    -- and a settled lead is one +1 there, counted without ordering its milestones.
    SELECT m.rep_id, greatest(m.day, b.first_stop) AS day, m.rank, sum(m.delta) AS delta
    FROM (SELECT rep_id, day, rank, 1 AS delta FROM lead_stages WHERE previous_rank IS NULL OR previous_rank <> rank
          UNION ALL
          SELECT rep_id, day, previous_rank, -1 FROM lead_stages WHERE previous_rank <> rank
          UNION ALL
          SELECT d.rep_id, d.created,
                 CASE WHEN d.disqualified IS NOT NULL THEN 4 WHEN d.converted IS NOT NULL THEN 3
                      WHEN d.sql IS NOT NULL THEN 2 WHEN d.mql IS NOT NULL THEN 1 ELSE 0 END, 1
          FROM lead_days d WHERE d.settled) AS m
    CROSS JOIN bounds b
    WHERE m.day <= b.last_stop
    GROUP BY 1, 2, 3
), running AS (
    -- Leads per rep and stage on every stop: running sums of the moves, read at the stops.
    SELECT day, rep_id, rank, is_stop, sum(delta) OVER (PARTITION BY rep_id, rank ORDER BY day) AS leads
    FROM (SELECT day, rep_id, rank, delta, false AS is_stop FROM stage_moves
          UNION ALL
          SELECT st.stop, r.rep_id, r.rank, 0, true
          FROM (SELECT DISTINCT stop FROM kpi_periods WHERE org_id = $1) st
          CROSS JOIN (SELECT DISTINCT rep_id, rank FROM stage_moves) r) AS u
), lifecycle AS (
    SELECT day AS stop, rep_id, leads,
           (ARRAY['lead', 'mql', 'sql', 'customer', 'disqualified'])[rank + 1] AS key
    FROM running WHERE is_stop AND leads <> 0
)
INSERT INTO kpi_new_breakdown_facts (org_id, period_kind, period_start, scope_kind, scope_id, dimension, key, metric, value)
SELECT $1, k.period_kind, k.period_start, k.scope_kind, k.scope_id, k.dimension, k.key, m.metric, m.value
FROM (
    SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, d.dimension, d.key,
           sum(d.amount) AS revenue, count(*) AS deals
    FROM deal_keys d
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = d.day
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = d.rep_id
    GROUP BY 1, 2, 3, 4, 5, 6
) AS k
CROSS JOIN LATERAL (VALUES ('revenue', k.revenue), ('deals_won', k.deals::numeric)) AS m (metric, value)
WHERE m.value <> 0
UNION ALL
SELECT $1, p.period_kind, p.period_start, s.scope_kind, s.scope_id, 'lead_source', n.key, 'new_leads', count(*)
FROM new_leads n
JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = n.day
JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = n.rep_id
GROUP BY 1, 2, 3, 4, 5, 7
UNION ALL
SELECT $1, p.period_kind, p.period_start, s.scope_kind, s.scope_id, 'lifecycle_stage', l.key, 'leads', sum(l.leads)
FROM lifecycle l
JOIN kpi_periods p ON p.org_id = $1 AND p.stop = l.stop
JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = l.rep_id
GROUP BY 1, 2, 3, 4, 5, 7
