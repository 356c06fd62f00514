-- The KPI catalogue (shared, not tenant data) and the targets (quotas) set against it.

CREATE TABLE salesops.metrics (
    name            text PRIMARY KEY,
    -- count / sum: additive over the days of a period; snapshot: a state at the period's
    -- end; ratio: numerator over denominator; average: a sum over a count; derived: a value
    -- computed from other metrics, without numerator or denominator.
    aggregation     text NOT NULL CHECK (aggregation IN ('count', 'sum', 'snapshot', 'ratio', 'average', 'derived')),
    -- Attainment is target / actual for these (less is better), actual / target otherwise.
    lower_is_better boolean NOT NULL DEFAULT false
);
GRANT SELECT ON salesops.metrics TO salesops_app;

INSERT INTO salesops.metrics (name, aggregation, lower_is_better) VALUES
    ('opportunities_created', 'count', false),
    ('deals_won', 'count', false),
    ('deals_lost', 'count', false),
    ('revenue', 'sum', false),
    ('win_rate', 'ratio', false),
    ('win_loss_ratio', 'ratio', false),
    ('average_deal_size', 'average', false),
    ('average_contract_value', 'average', false),
    ('sales_cycle_days', 'average', true),
    ('expansion_revenue', 'sum', false),
    ('expansion_revenue_share', 'ratio', false),
    ('revenue_growth_rate', 'ratio', false),
    ('open_opportunities', 'snapshot', false),
    ('open_pipeline_amount', 'snapshot', false),
    ('weighted_pipeline_amount', 'snapshot', false),
    ('pipeline_velocity', 'derived', false),
    ('stage_entries', 'count', false),
    ('stage_avg_days', 'average', true),
    ('stage_conversion_rate', 'ratio', false),
    ('new_leads', 'count', false),
    ('mqls', 'count', false),
    ('sqls', 'count', false),
    ('lead_conversions', 'count', false),
    ('lead_conversion_rate', 'ratio', false),
    ('mql_to_customer_rate', 'ratio', false),
    ('sql_to_customer_rate', 'ratio', false),
    ('avg_response_minutes', 'average', true),
    ('leads_followed_up_rate', 'ratio', false),
    ('activities', 'count', false),
    ('calls', 'count', false),
    ('emails', 'count', false),
    ('meetings', 'count', false),
    ('demos', 'count', false),
    ('proposals_sent', 'count', false),
    ('demo_to_close_rate', 'ratio', false),
    ('prospects_contacted', 'count', false),
    ('positive_reply_rate', 'ratio', false),
    ('negative_reply_rate', 'ratio', false),
    ('meeting_acceptance_rate', 'ratio', false),
    ('touches_per_won_deal', 'average', false),
    ('new_customers', 'count', false),
    ('referral_customers', 'count', false),
    ('churned_customers', 'count', false),
    ('customers_start', 'snapshot', false),
    ('customers_end', 'snapshot', false),
    ('churn_rate', 'ratio', true),
    ('retention_rate', 'ratio', false),
    ('repeat_customer_rate', 'ratio', false),
    ('average_revenue_per_account', 'average', false),
    ('customer_lifetime_value', 'derived', false),
    ('marketing_spend', 'sum', false),
    ('sales_spend', 'sum', false),
    ('customer_acquisition_cost', 'ratio', true),
    ('cost_per_lead', 'ratio', true),
    ('romi', 'ratio', false),
    ('clv_to_cac', 'derived', false),
    ('nps', 'ratio', false),
    ('enps', 'ratio', false),
    ('csat', 'ratio', false),
    ('headcount_start', 'snapshot', false),
    ('headcount_end', 'snapshot', false),
    ('reps_left', 'count', false),
    ('rep_turnover_rate', 'ratio', true),
    ('rep_retention_rate', 'ratio', false),
    ('average_tenure_days', 'average', false),
    ('ramp_up_days', 'average', false),
    ('reps_at_quota_rate', 'ratio', false);

-- The kind of a target period label: '2026' year, '2026-Q3' quarter, '2026-11' month,
-- '2026-W47' week; NULL when the label has none of these forms.
CREATE FUNCTION salesops.period_label_kind(period text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN period ~ '^[0-9]{4}$' THEN 'year'
        WHEN period ~ '^[0-9]{4}-Q[1-4]$' THEN 'quarter'
        WHEN period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN 'month'
        WHEN period ~ '^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$' THEN 'week'
    END
$$;

-- The first and last local date of a target period, given the org's fiscal year start.
-- A fiscal year is named by the calendar year it starts in; quarters count from its start.
-- Returns no row for a label that is not a real period (e.g. week 53 of a 52-week year).
CREATE FUNCTION salesops.period_bounds(period text, fiscal_year_start_month integer)
RETURNS TABLE (period_kind text, period_start date, period_end date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH parsed AS (
        SELECT salesops.period_label_kind(period) AS kind,
               substr(period, 1, 4)::integer AS year
    ), starts AS (
        SELECT kind,
               CASE kind
                   WHEN 'year' THEN make_date(year, fiscal_year_start_month, 1)
                   WHEN 'quarter' THEN (make_date(year, fiscal_year_start_month, 1)
                       + make_interval(months => 3 * (substr(period, 7, 1)::integer - 1)))::date
                   WHEN 'month' THEN make_date(year, substr(period, 6, 2)::integer, 1)
                   WHEN 'week' THEN (make_date(year, 1, 4)
                       - (extract(isodow FROM make_date(year, 1, 4))::integer - 1)
                       + 7 * (substr(period, 7, 2)::integer - 1))
               END AS period_start,
               year
        FROM parsed
        WHERE kind IS NOT NULL
    )
    SELECT kind,
           period_start,
           (CASE kind
               WHEN 'year' THEN period_start + interval '1 year'
               WHEN 'quarter' THEN period_start + interval '3 months'
               WHEN 'month' THEN period_start + interval '1 month'
               WHEN 'week' THEN period_start + interval '7 days'
           END)::date - 1
    FROM starts
    WHERE kind <> 'week' OR extract(isoyear FROM period_start) = year
$$;

CREATE TABLE salesops.targets (
    org_id      bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    scope_kind  text NOT NULL,
    team_id     bigint,
    rep_id      bigint,
    metric      text NOT NULL REFERENCES salesops.metrics (name),
    period      text NOT NULL,
    period_kind text NOT NULL GENERATED ALWAYS AS (salesops.period_label_kind(period)) STORED,
    value       numeric NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT targets_scope_metric_period_key
        UNIQUE NULLS NOT DISTINCT (org_id, scope_kind, team_id, rep_id, metric, period),
    CONSTRAINT targets_team_fkey FOREIGN KEY (org_id, team_id) REFERENCES salesops.teams (org_id, id) ON DELETE CASCADE,
    CONSTRAINT targets_rep_fkey FOREIGN KEY (org_id, rep_id) REFERENCES salesops.reps (org_id, id) ON DELETE CASCADE,
    CONSTRAINT targets_scope_kind_valid CHECK (scope_kind IN ('org', 'team', 'rep')),
    CONSTRAINT targets_scope_entity_matches CHECK (
        (scope_kind = 'org' AND team_id IS NULL AND rep_id IS NULL)
        OR (scope_kind = 'team' AND team_id IS NOT NULL AND rep_id IS NULL)
        OR (scope_kind = 'rep' AND rep_id IS NOT NULL AND team_id IS NULL)),
    CONSTRAINT targets_period_format CHECK (period_kind IS NOT NULL)
);
