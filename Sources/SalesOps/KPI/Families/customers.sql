-- The customers family (metrics facts).
--
-- Customer metrics (SPEC §5.2, Customers). An account is a customer at the end of day x when
-- its first won deal closed on or before x and it has not churned by x. Customer metrics
-- count toward the account's owner; `average_revenue_per_account` is attributed like deals
-- (to the deal's owner).
--
-- `customer_lifetime_value` (months, quarters, years) looks at the 365 local days W ending at
-- e: revenue(W) / deals_won(W) × deals_won(W) / accounts won in W × lifespan, where lifespan
-- is min(10, 1 / churn_W) years, or 10 when churn_W is 0 or null. The sales follow the deal's
-- owner; churn_W the accounts' owner.
--
-- Snapshots (customers, buyers, repeat buyers at the end of a day) are running sums of each
-- account's changes per owner, read at the days periods need; counts of events in a period
-- (first wins, churns) join each event to the periods containing its day. Neither pairs
-- every account with every period.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE customers(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE customers(<org id>, '<time zone>');
WITH won AS (
    SELECT d.account_id, d.owner_rep_id AS deal_rep_id, d.amount, salesops.local_day(d.closed_at, $2) AS day
    FROM salesops.deals d
    WHERE d.org_id = $1 AND d.stage_kind = 'won'
), accounts AS (
    SELECT a.id AS account_id, COALESCE(a.owner_rep_id, 0) AS rep_id, a.referred_by_id IS NOT NULL AS referred,
           w.first_won_day, w.second_won_day, salesops.local_day(a.churned_at, $2) AS churn_day
    FROM salesops.accounts a
    JOIN (SELECT account_id, min(day) AS first_won_day, (array_agg(day ORDER BY day))[2] AS second_won_day
          FROM won GROUP BY account_id) AS w ON w.account_id = a.id
    WHERE a.org_id = $1
), snapshot_days AS (
    -- The days whose end a period's snapshots look at: before its start, its stop, and
    -- for lifetime value (months, quarters, years) 365 days before its stop.
    SELECT DISTINCT v.day FROM kpi_periods p
    CROSS JOIN LATERAL (VALUES (p.period_start - 1), (p.stop),
                               (CASE WHEN p.period_kind IN ('month', 'quarter', 'year') THEN p.stop - 365 END)) AS v (day)
    WHERE p.org_id = $1 AND v.day IS NOT NULL
), account_changes AS (
    -- Per rep and day, the change in customers (from the first won day until the churn day,
    -- when that comes later), in accounts that have bought, and in accounts that have
    -- bought twice.
    SELECT c.rep_id, e.day, sum(e.customers) AS customers, sum(e.buyers) AS buyers, sum(e.repeat_buyers) AS repeat_buyers,
           false AS is_snapshot
    FROM accounts c
    CROSS JOIN LATERAL (VALUES
        (c.first_won_day, CASE WHEN c.churn_day IS NULL OR c.churn_day > c.first_won_day THEN 1 ELSE 0 END, 1, 0),
        (c.churn_day, CASE WHEN c.churn_day > c.first_won_day THEN -1 ELSE 0 END, 0, 0),
        (c.second_won_day, 0, 0, 1)
    ) AS e (day, customers, buyers, repeat_buyers)
    WHERE e.day IS NOT NULL
    GROUP BY 1, 2
), snapshots AS (
    SELECT rep_id, day, customers, buyers, repeat_buyers
    FROM (
        SELECT rep_id, day, is_snapshot, sum(customers) OVER by_day AS customers, sum(buyers) OVER by_day AS buyers,
               sum(repeat_buyers) OVER by_day AS repeat_buyers
        FROM (SELECT * FROM account_changes
              UNION ALL
              SELECT r.rep_id, d.day, 0, 0, 0, true FROM (SELECT DISTINCT rep_id FROM accounts) r CROSS JOIN snapshot_days d
        ) AS timeline
        WINDOW by_day AS (PARTITION BY rep_id ORDER BY day)
    ) AS running
    WHERE is_snapshot
), per_rep AS (
    -- Columns named in the first branch, not in a column list: Citus drops a CTE's column
    -- list when it passes the statement on to the org's node.
    SELECT p.period_kind, p.period_start, b.rep_id, 0 AS new_customers, 0 AS referral_customers, 0 AS churned,
           b.customers AS customers_start, e.customers AS customers_end, 0 AS churned_from_start,
           e.repeat_buyers, e.buyers, coalesce(w.customers, 0) AS customers_before_window, 0 AS churned_in_window
    FROM kpi_periods p
    JOIN snapshots b ON b.day = p.period_start - 1
    JOIN snapshots e ON e.rep_id = b.rep_id AND e.day = p.stop
    LEFT JOIN snapshots w ON p.period_kind IN ('month', 'quarter', 'year') AND w.rep_id = b.rep_id AND w.day = p.stop - 365
    WHERE p.org_id = $1
    UNION ALL
    SELECT p.period_kind, p.period_start, c.rep_id, 1, CASE WHEN c.referred THEN 1 ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0
    FROM accounts c
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = c.first_won_day
    UNION ALL
    SELECT p.period_kind, p.period_start, c.rep_id, 0, 0, CASE WHEN c.first_won_day <= c.churn_day THEN 1 ELSE 0 END,
           0, 0, CASE WHEN c.first_won_day <= p.period_start - 1 THEN 1 ELSE 0 END, 0, 0, 0, 0
    FROM accounts c
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = c.churn_day
    UNION ALL
    SELECT p.period_kind, p.period_start, c.rep_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    FROM accounts c
    JOIN kpi_periods p ON p.org_id = $1 AND p.period_kind IN ('month', 'quarter', 'year')
     AND c.churn_day BETWEEN p.stop - 364 AND p.stop AND c.first_won_day <= p.stop - 365
), customer_counts AS (
    SELECT q.period_kind, q.period_start, s.scope_kind, s.scope_id,
           sum(q.new_customers) AS new_customers, sum(q.referral_customers) AS referral_customers, sum(q.churned) AS churned,
           sum(q.customers_start) AS customers_start, sum(q.customers_end) AS customers_end,
           sum(q.churned_from_start) AS churned_from_start, sum(q.repeat_buyers) AS repeat_buyers, sum(q.buyers) AS buyers,
           sum(q.customers_before_window) AS customers_before_window, sum(q.churned_in_window) AS churned_in_window
    FROM per_rep q
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = q.rep_id
    GROUP BY 1, 2, 3, 4
), lifetime_sales AS (
    -- Revenue, won deals and accounts with a won deal in W follow the deal's owner, like
    -- revenue; only churn_W (from customer_counts) follows the account's owner.
    -- Accounts are counted distinct in two hashed steps (per account, then per scope): a
    -- count(DISTINCT) would sort every (period, scope, deal) row, about 14 periods per deal.
    SELECT period_kind, period_start, scope_kind, scope_id, sum(revenue) AS revenue, sum(deals) AS deals,
           count(account_id) AS accounts
    FROM (SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, w.account_id,
                 sum(w.amount) AS revenue, count(*) AS deals
          FROM won w
          JOIN kpi_periods p ON p.org_id = $1 AND p.period_kind IN ('month', 'quarter', 'year') AND w.day BETWEEN p.stop - 364 AND p.stop
          JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = w.deal_rep_id
          GROUP BY 1, 2, 3, 4, 5) AS per_account
    GROUP BY 1, 2, 3, 4
), per_account_revenue AS (
    SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id,
           sum(w.amount) AS revenue, count(DISTINCT w.account_id) AS accounts
    FROM won w
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = w.day
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = w.deal_rep_id
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, q.period_kind, q.period_start, q.scope_kind, q.scope_id, m.metric, m.value, m.numerator, m.denominator
FROM customer_counts q
CROSS JOIN LATERAL (VALUES
    ('new_customers', q.new_customers::numeric, NULL::numeric, NULL::numeric),
    ('referral_customers', q.referral_customers, NULL, NULL),
    ('churned_customers', q.churned, NULL, NULL),
    ('customers_start', q.customers_start, NULL, NULL),
    ('customers_end', q.customers_end, NULL, NULL),
    ('churn_rate', 100 * q.churned_from_start::numeric / NULLIF(q.customers_start, 0), q.churned_from_start, q.customers_start),
    ('retention_rate', 100 * (q.customers_end - q.new_customers)::numeric / NULLIF(q.customers_start, 0),
        q.customers_end - q.new_customers, q.customers_start),
    ('repeat_customer_rate', 100 * q.repeat_buyers::numeric / NULLIF(q.buyers, 0), q.repeat_buyers, q.buyers)
) AS m (metric, value, numerator, denominator)
WHERE coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0
UNION ALL
SELECT $1, r.period_kind, r.period_start, r.scope_kind, r.scope_id, 'average_revenue_per_account',
       r.revenue / r.accounts, r.revenue, r.accounts
FROM per_account_revenue r
UNION ALL
SELECT $1, l.period_kind, l.period_start, l.scope_kind, l.scope_id, 'customer_lifetime_value',
       l.revenue / l.accounts * CASE
           WHEN coalesce(q.churned_in_window, 0) = 0 OR coalesce(q.customers_before_window, 0) = 0 THEN 10
           ELSE LEAST(10, q.customers_before_window::numeric / q.churned_in_window) END,
       NULL, NULL
FROM lifetime_sales l
LEFT JOIN customer_counts q USING (period_kind, period_start, scope_kind, scope_id)
WHERE l.revenue <> 0
