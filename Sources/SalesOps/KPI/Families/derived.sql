-- The derived family (metrics facts).
--
-- Values across families, computed from the facts the other families wrote in this run
-- (a missing count or sum reads as 0, a missing ratio or average as null):
-- `cost_per_lead`, `romi`, `customer_acquisition_cost` and `clv_to_cac` (org scope;
-- months, quarters and years), and
-- `pipeline_velocity` (every scope): open_opportunities × win_rate / 100 ×
-- average_deal_size / sales_cycle_days, null when a part is null or the cycle is 0.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE derived(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE derived(<org id>, '<time zone>');
WITH parts AS (
    -- Only the facts the derived values read: a backfill's run holds a million others.
    SELECT period_kind, period_start, scope_kind, scope_id,
           coalesce(sum(value) FILTER (WHERE metric = 'marketing_spend'), 0) AS marketing,
           coalesce(sum(value) FILTER (WHERE metric = 'new_leads'), 0) AS new_leads,
           coalesce(sum(value) FILTER (WHERE metric = 'revenue'), 0) AS revenue,
           coalesce(sum(value) FILTER (WHERE metric = 'sales_spend'), 0) AS sales,
           coalesce(sum(value) FILTER (WHERE metric = 'new_customers'), 0) AS new_customers,
           sum(value) FILTER (WHERE metric = 'customer_lifetime_value') AS lifetime_value,
           coalesce(sum(value) FILTER (WHERE metric = 'open_opportunities'), 0) AS open_deals,
           sum(value) FILTER (WHERE metric = 'win_rate') AS win_rate,
           sum(value) FILTER (WHERE metric = 'average_deal_size') AS deal_size,
           sum(value) FILTER (WHERE metric = 'sales_cycle_days') AS cycle_days
    FROM kpi_new_facts
    WHERE org_id = $1
      AND metric IN ('marketing_spend', 'new_leads', 'revenue', 'sales_spend', 'new_customers', 'customer_lifetime_value',
                     'open_opportunities', 'win_rate', 'average_deal_size', 'sales_cycle_days')
    GROUP BY 1, 2, 3, 4
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, f.period_kind, f.period_start, 'org', 0, m.metric, m.value, m.numerator, m.denominator
FROM parts f
CROSS JOIN LATERAL (VALUES
    ('cost_per_lead', f.marketing / NULLIF(f.new_leads, 0), f.marketing, f.new_leads),
    ('romi', 100 * (f.revenue - f.marketing) / NULLIF(f.marketing, 0), f.revenue - f.marketing, f.marketing),
    ('customer_acquisition_cost', (f.marketing + f.sales) / NULLIF(f.new_customers, 0), f.marketing + f.sales, f.new_customers),
    ('clv_to_cac', f.lifetime_value / NULLIF((f.marketing + f.sales) / NULLIF(f.new_customers, 0), 0), NULL, NULL)
) AS m (metric, value, numerator, denominator)
WHERE f.scope_kind = 'org' AND f.period_kind IN ('month', 'quarter', 'year')
  AND (coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0)
UNION ALL
SELECT $1, period_kind, period_start, scope_kind, scope_id, 'pipeline_velocity',
       open_deals * win_rate / 100 * deal_size / NULLIF(cycle_days, 0), NULL, NULL
FROM parts
WHERE open_deals * win_rate * deal_size / NULLIF(cycle_days, 0) <> 0
