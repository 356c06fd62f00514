-- The additive family (metrics facts).
--
-- The metrics that decompose into additive daily components: deals and revenue, leads, and
-- activity counts (SPEC §5.2).
--
-- Every event is counted on its local day (`salesops.local_day(ts, org.timezone)`) and
-- attributed to a rep. Each source is first reduced to named components per local day and rep
-- (one aggregate per source), the sources are joined by day and rep into one row of every
-- component, those rows are summed per period and scope, and each metric is a function of its
-- scope's components. The scan of each table is bounded by the covered
-- window (the earliest period start to the as-of date), through the window indexes.
--
-- Like every family, it reads the run's temporary tables (see `KPIMaterializer`) and writes
-- `kpi_new_facts`.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE additive(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE additive(<org id>, '<time zone>');
WITH deals_created AS (
    SELECT salesops.local_day(d.created_at, $2) AS day, COALESCE(d.owner_rep_id, 0) AS rep_id,
           count(*) AS created
    FROM salesops.deals d, kpi_window w
    WHERE d.org_id = $1 AND w.org_id = $1 AND d.created_at >= w.low AND d.created_at < w.high
    GROUP BY 1, 2
), deals_closed AS (
    SELECT salesops.local_day(d.closed_at, $2) AS day, COALESCE(d.owner_rep_id, 0) AS rep_id,
           count(*) FILTER (WHERE d.stage_kind = 'won') AS won,
           count(*) FILTER (WHERE d.stage_kind = 'lost') AS lost,
           coalesce(sum(d.amount) FILTER (WHERE d.stage_kind = 'won'), 0) AS revenue,
           coalesce(sum(d.amount) FILTER (WHERE d.stage_kind = 'won' AND d.type IN ('upsell', 'cross_sell')), 0) AS expansion,
           coalesce(sum(d.amount * 12 / d.contract_months) FILTER (WHERE d.stage_kind = 'won'), 0) AS annualized,
           coalesce(sum(extract(epoch FROM d.closed_at - d.created_at) / 86400) FILTER (WHERE d.stage_kind = 'won'), 0)
               AS cycle_days
    FROM salesops.deals d, kpi_window w
    WHERE d.org_id = $1 AND w.org_id = $1 AND d.closed_at >= w.low AND d.closed_at < w.high
    GROUP BY 1, 2
), leads_created AS (
    SELECT salesops.local_day(l.created_at, $2) AS day, COALESCE(l.owner_rep_id, 0) AS rep_id,
           count(*) AS new_leads, count(l.first_response_at) AS responded,
           coalesce(sum(extract(epoch FROM l.first_response_at - l.created_at) / 60), 0) AS response_minutes
    FROM salesops.leads l, kpi_window w
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.created_at >= w.low AND l.created_at < w.high
    GROUP BY 1, 2
), leads_qualified AS (
    SELECT salesops.local_day(l.mql_at, $2) AS day, COALESCE(l.owner_rep_id, 0) AS rep_id, count(*) AS mqls
    FROM salesops.leads l, kpi_window w
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.mql_at >= w.low AND l.mql_at < w.high
    GROUP BY 1, 2
), leads_accepted AS (
    SELECT salesops.local_day(l.sql_at, $2) AS day, COALESCE(l.owner_rep_id, 0) AS rep_id, count(*) AS sqls
    FROM salesops.leads l, kpi_window w
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.sql_at >= w.low AND l.sql_at < w.high
    GROUP BY 1, 2
), leads_converted AS (
    SELECT salesops.local_day(l.converted_at, $2) AS day, COALESCE(l.owner_rep_id, 0) AS rep_id,
           count(*) AS conversions, count(l.mql_at) AS conversions_with_mql, count(l.sql_at) AS conversions_with_sql
    FROM salesops.leads l, kpi_window w
    WHERE l.org_id = $1 AND w.org_id = $1 AND l.converted_at >= w.low AND l.converted_at < w.high
    GROUP BY 1, 2
), activity_days AS (
    SELECT salesops.local_day(x.occurred_at, $2) AS day, COALESCE(x.rep_id, 0) AS rep_id,
           count(*) AS activities, count(*) FILTER (WHERE x.kind = 'call') AS calls,
           count(*) FILTER (WHERE x.kind = 'email') AS emails, count(*) FILTER (WHERE x.kind = 'meeting') AS meetings,
           count(*) FILTER (WHERE x.kind = 'demo') AS demos, count(*) FILTER (WHERE x.kind = 'proposal') AS proposals_sent,
           count(*) FILTER (WHERE x.kind = 'meeting' AND x.outcome = 'accepted') AS meetings_accepted,
           count(*) FILTER (WHERE x.outcome IN ('positive_reply', 'negative_reply')) AS replies
    FROM salesops.activities x, kpi_window w
    WHERE x.org_id = $1 AND w.org_id = $1 AND x.occurred_at >= w.low AND x.occurred_at < w.high
    GROUP BY 1, 2
), daily AS (
    -- One row per local day and rep with every source's components, joined by name:
    -- a column in the wrong place is an error, not a number in another metric. Counts are
    -- integers here so that their sums below add in machine integers, not in numeric.
    SELECT day, rep_id,
           coalesce(created, 0)::integer AS created, coalesce(won, 0)::integer AS won, coalesce(lost, 0)::integer AS lost,
           coalesce(revenue, 0) AS revenue, coalesce(expansion, 0) AS expansion,
           coalesce(annualized, 0) AS annualized, coalesce(cycle_days, 0) AS cycle_days,
           coalesce(new_leads, 0)::integer AS new_leads, coalesce(responded, 0)::integer AS responded,
           coalesce(response_minutes, 0) AS response_minutes, coalesce(mqls, 0)::integer AS mqls, coalesce(sqls, 0)::integer AS sqls,
           coalesce(conversions, 0)::integer AS conversions, coalesce(conversions_with_mql, 0)::integer AS conversions_with_mql,
           coalesce(conversions_with_sql, 0)::integer AS conversions_with_sql, coalesce(activities, 0)::integer AS activities,
           coalesce(calls, 0)::integer AS calls, coalesce(emails, 0)::integer AS emails, coalesce(meetings, 0)::integer AS meetings,
           coalesce(demos, 0)::integer AS demos, coalesce(proposals_sent, 0)::integer AS proposals_sent,
           coalesce(meetings_accepted, 0)::integer AS meetings_accepted, coalesce(replies, 0)::integer AS replies
    FROM deals_created
    FULL JOIN deals_closed USING (day, rep_id)
    FULL JOIN leads_created USING (day, rep_id)
    FULL JOIN leads_qualified USING (day, rep_id)
    FULL JOIN leads_accepted USING (day, rep_id)
    FULL JOIN leads_converted USING (day, rep_id)
    FULL JOIN activity_days USING (day, rep_id)
), rep_periods AS (
    -- Days roll up to each rep's periods first, and those to the scopes: a rep's day is summed
    -- once per period, not once per period and scope.
    SELECT p.period_kind, p.period_start, d.rep_id,
           sum(d.created) AS created, sum(d.won) AS won, sum(d.lost) AS lost, sum(d.revenue) AS revenue,
           sum(d.expansion) AS expansion, sum(d.annualized) AS annualized, sum(d.cycle_days) AS cycle_days, sum(d.new_leads) AS new_leads,
           sum(d.responded) AS responded, sum(d.response_minutes) AS response_minutes, sum(d.mqls) AS mqls, sum(d.sqls) AS sqls,
           sum(d.conversions) AS conversions, sum(d.conversions_with_mql) AS conversions_with_mql, sum(d.conversions_with_sql) AS conversions_with_sql, sum(d.activities) AS activities,
           sum(d.calls) AS calls, sum(d.emails) AS emails, sum(d.meetings) AS meetings, sum(d.demos) AS demos,
           sum(d.proposals_sent) AS proposals_sent, sum(d.meetings_accepted) AS meetings_accepted, sum(d.replies) AS replies
    FROM daily d
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = d.day
    GROUP BY 1, 2, 3
), pivoted AS (
    SELECT r.period_kind, r.period_start, s.scope_kind, s.scope_id,
           sum(r.created) AS created, sum(r.won) AS won, sum(r.lost) AS lost, sum(r.revenue) AS revenue,
           sum(r.expansion) AS expansion, sum(r.annualized) AS annualized, sum(r.cycle_days) AS cycle_days, sum(r.new_leads) AS new_leads,
           sum(r.responded) AS responded, sum(r.response_minutes) AS response_minutes, sum(r.mqls) AS mqls, sum(r.sqls) AS sqls,
           sum(r.conversions) AS conversions, sum(r.conversions_with_mql) AS conversions_with_mql, sum(r.conversions_with_sql) AS conversions_with_sql, sum(r.activities) AS activities,
           sum(r.calls) AS calls, sum(r.emails) AS emails, sum(r.meetings) AS meetings, sum(r.demos) AS demos,
           sum(r.proposals_sent) AS proposals_sent, sum(r.meetings_accepted) AS meetings_accepted, sum(r.replies) AS replies
    FROM rep_periods r
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = r.rep_id
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, p.period_kind, p.period_start, p.scope_kind, p.scope_id, m.metric, m.value, m.numerator, m.denominator
FROM pivoted p
CROSS JOIN LATERAL (VALUES
    ('opportunities_created', p.created, NULL::numeric, NULL::numeric),
    ('deals_won', p.won, NULL, NULL),
    ('deals_lost', p.lost, NULL, NULL),
    ('revenue', p.revenue, NULL, NULL),
    ('win_rate', 100 * p.won / NULLIF(p.won + p.lost, 0), p.won, p.won + p.lost),
    ('win_loss_ratio', p.won / NULLIF(p.lost, 0), p.won, p.lost),
    ('average_deal_size', p.revenue / NULLIF(p.won, 0), p.revenue, p.won),
    ('average_contract_value', p.annualized / NULLIF(p.won, 0), p.annualized, p.won),
    ('sales_cycle_days', p.cycle_days / NULLIF(p.won, 0), p.cycle_days, p.won),
    ('expansion_revenue', p.expansion, NULL, NULL),
    ('expansion_revenue_share', 100 * p.expansion / NULLIF(p.revenue, 0), p.expansion, p.revenue),
    ('new_leads', p.new_leads, NULL, NULL),
    ('mqls', p.mqls, NULL, NULL),
    ('sqls', p.sqls, NULL, NULL),
    ('lead_conversions', p.conversions, NULL, NULL),
    ('lead_conversion_rate', 100 * p.conversions / NULLIF(p.new_leads, 0), p.conversions, p.new_leads),
    ('mql_to_customer_rate', 100 * p.conversions_with_mql / NULLIF(p.mqls, 0), p.conversions_with_mql, p.mqls),
    ('sql_to_customer_rate', 100 * p.conversions_with_sql / NULLIF(p.sqls, 0), p.conversions_with_sql, p.sqls),
    ('avg_response_minutes', p.response_minutes / NULLIF(p.responded, 0), p.response_minutes, p.responded),
    ('leads_followed_up_rate', 100 * p.responded / NULLIF(p.new_leads, 0), p.responded, p.new_leads),
    ('activities', p.activities, NULL, NULL),
    ('calls', p.calls, NULL, NULL),
    ('emails', p.emails, NULL, NULL),
    ('meetings', p.meetings, NULL, NULL),
    ('demos', p.demos, NULL, NULL),
    ('proposals_sent', p.proposals_sent, NULL, NULL),
    ('demo_to_close_rate', 100 * p.won / NULLIF(p.demos, 0), p.won, p.demos),
    ('meeting_acceptance_rate', 100 * p.meetings_accepted / NULLIF(p.replies, 0), p.meetings_accepted, p.replies)
) AS m (metric, value, numerator, denominator)
WHERE coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0
