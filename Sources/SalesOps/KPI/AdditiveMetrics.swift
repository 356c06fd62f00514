/// The metrics that decompose into additive daily components: deals and revenue, leads, and
/// activity counts (SPEC §5.2).
///
/// Every event is counted on its local day (`(ts AT TIME ZONE org.timezone)::date`) and
/// attributed to a rep; components are summed per period and scope, and each metric is a
/// function of its scope's components. The scan of each table is bounded by the covered
/// window (the earliest period start to the as-of date), through the window indexes.
///
/// Like every family, it reads the run's temporary tables (see `KPIMaterializer`) and writes
/// `kpi_new_facts`; `$1` is the org id and `$2` the org's time zone.
enum AdditiveMetrics {
    /// The metrics this family writes, in catalogue order.
    static let metrics = [
        "opportunities_created", "deals_won", "deals_lost", "revenue", "win_rate", "win_loss_ratio", "average_deal_size",
        "average_contract_value", "sales_cycle_days", "expansion_revenue", "expansion_revenue_share", "new_leads", "mqls",
        "sqls", "lead_conversions", "lead_conversion_rate", "mql_to_customer_rate", "sql_to_customer_rate",
        "avg_response_minutes", "leads_followed_up_rate", "activities", "calls", "emails", "meetings", "demos",
        "proposals_sent", "demo_to_close_rate", "meeting_acceptance_rate",
    ]

    static let sql = """
        WITH events (day, rep_id, component, amount) AS (
            SELECT (d.created_at AT TIME ZONE $2)::date, d.owner_rep_id, 'created', 1::numeric
            FROM salesops.deals d, kpi_window w
            WHERE d.org_id = $1 AND d.created_at >= w.low AND d.created_at < w.high
            UNION ALL
            SELECT (d.closed_at AT TIME ZONE $2)::date, d.owner_rep_id, c.component, c.amount
            FROM salesops.deals d
            CROSS JOIN kpi_window w
            CROSS JOIN LATERAL (VALUES
                ('won', CASE WHEN d.stage_kind = 'won' THEN 1 END),
                ('lost', CASE WHEN d.stage_kind = 'lost' THEN 1 END),
                ('revenue', CASE WHEN d.stage_kind = 'won' THEN d.amount END),
                ('expansion', CASE WHEN d.stage_kind = 'won' AND d.type IN ('upsell', 'cross_sell') THEN d.amount END),
                ('annualized', CASE WHEN d.stage_kind = 'won' THEN d.amount * 12 / d.contract_months END),
                ('cycle_days', CASE WHEN d.stage_kind = 'won' THEN extract(epoch FROM d.closed_at - d.created_at) / 86400 END)
            ) AS c (component, amount)
            WHERE d.org_id = $1 AND d.closed_at >= w.low AND d.closed_at < w.high AND c.amount IS NOT NULL
            UNION ALL
            SELECT (l.created_at AT TIME ZONE $2)::date, l.owner_rep_id, c.component, c.amount
            FROM salesops.leads l
            CROSS JOIN kpi_window w
            CROSS JOIN LATERAL (VALUES
                ('new_leads', 1::numeric),
                ('responded', CASE WHEN l.first_response_at IS NOT NULL THEN 1 END),
                ('response_minutes', extract(epoch FROM l.first_response_at - l.created_at) / 60)
            ) AS c (component, amount)
            WHERE l.org_id = $1 AND l.created_at >= w.low AND l.created_at < w.high AND c.amount IS NOT NULL
            UNION ALL
            SELECT (l.mql_at AT TIME ZONE $2)::date, l.owner_rep_id, 'mqls', 1
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = $1 AND l.mql_at >= w.low AND l.mql_at < w.high
            UNION ALL
            SELECT (l.sql_at AT TIME ZONE $2)::date, l.owner_rep_id, 'sqls', 1
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = $1 AND l.sql_at >= w.low AND l.sql_at < w.high
            UNION ALL
            SELECT (l.converted_at AT TIME ZONE $2)::date, l.owner_rep_id, c.component, c.amount
            FROM salesops.leads l
            CROSS JOIN kpi_window w
            CROSS JOIN LATERAL (VALUES
                ('conversions', 1::numeric),
                ('conversions_with_mql', CASE WHEN l.mql_at IS NOT NULL THEN 1 END),
                ('conversions_with_sql', CASE WHEN l.sql_at IS NOT NULL THEN 1 END)
            ) AS c (component, amount)
            WHERE l.org_id = $1 AND l.converted_at >= w.low AND l.converted_at < w.high AND c.amount IS NOT NULL
            UNION ALL
            SELECT (x.occurred_at AT TIME ZONE $2)::date, x.rep_id, c.component, c.amount
            FROM salesops.activities x
            CROSS JOIN kpi_window w
            CROSS JOIN LATERAL (VALUES
                ('activities', 1::numeric),
                ('calls', CASE WHEN x.kind = 'call' THEN 1 END),
                ('emails', CASE WHEN x.kind = 'email' THEN 1 END),
                ('meetings', CASE WHEN x.kind = 'meeting' THEN 1 END),
                ('demos', CASE WHEN x.kind = 'demo' THEN 1 END),
                ('proposals_sent', CASE WHEN x.kind = 'proposal' THEN 1 END),
                ('meetings_accepted', CASE WHEN x.kind = 'meeting' AND x.outcome = 'accepted' THEN 1 END),
                ('replies', CASE WHEN x.outcome IN ('positive_reply', 'negative_reply') THEN 1 END)
            ) AS c (component, amount)
            WHERE x.org_id = $1 AND x.occurred_at >= w.low AND x.occurred_at < w.high AND c.amount IS NOT NULL
        ), daily AS (
            SELECT day, COALESCE(rep_id, 0) AS rep_id, component, sum(amount) AS amount
            FROM events GROUP BY 1, 2, 3
        ), components AS (
            SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, d.component, sum(d.amount) AS amount
            FROM daily d
            JOIN kpi_day_periods p ON p.day = d.day
            JOIN kpi_rep_scopes s ON s.rep_id = d.rep_id
            GROUP BY 1, 2, 3, 4, 5
        ), pivoted AS (
            SELECT period_kind, period_start, scope_kind, scope_id,
                   coalesce(sum(amount) FILTER (WHERE component = 'created'), 0) AS created,
                   coalesce(sum(amount) FILTER (WHERE component = 'won'), 0) AS won,
                   coalesce(sum(amount) FILTER (WHERE component = 'lost'), 0) AS lost,
                   coalesce(sum(amount) FILTER (WHERE component = 'revenue'), 0) AS revenue,
                   coalesce(sum(amount) FILTER (WHERE component = 'expansion'), 0) AS expansion,
                   coalesce(sum(amount) FILTER (WHERE component = 'annualized'), 0) AS annualized,
                   coalesce(sum(amount) FILTER (WHERE component = 'cycle_days'), 0) AS cycle_days,
                   coalesce(sum(amount) FILTER (WHERE component = 'new_leads'), 0) AS new_leads,
                   coalesce(sum(amount) FILTER (WHERE component = 'responded'), 0) AS responded,
                   coalesce(sum(amount) FILTER (WHERE component = 'response_minutes'), 0) AS response_minutes,
                   coalesce(sum(amount) FILTER (WHERE component = 'mqls'), 0) AS mqls,
                   coalesce(sum(amount) FILTER (WHERE component = 'sqls'), 0) AS sqls,
                   coalesce(sum(amount) FILTER (WHERE component = 'conversions'), 0) AS conversions,
                   coalesce(sum(amount) FILTER (WHERE component = 'conversions_with_mql'), 0) AS conversions_with_mql,
                   coalesce(sum(amount) FILTER (WHERE component = 'conversions_with_sql'), 0) AS conversions_with_sql,
                   coalesce(sum(amount) FILTER (WHERE component = 'activities'), 0) AS activities,
                   coalesce(sum(amount) FILTER (WHERE component = 'calls'), 0) AS calls,
                   coalesce(sum(amount) FILTER (WHERE component = 'emails'), 0) AS emails,
                   coalesce(sum(amount) FILTER (WHERE component = 'meetings'), 0) AS meetings,
                   coalesce(sum(amount) FILTER (WHERE component = 'demos'), 0) AS demos,
                   coalesce(sum(amount) FILTER (WHERE component = 'proposals_sent'), 0) AS proposals_sent,
                   coalesce(sum(amount) FILTER (WHERE component = 'meetings_accepted'), 0) AS meetings_accepted,
                   coalesce(sum(amount) FILTER (WHERE component = 'replies'), 0) AS replies
            FROM components
            GROUP BY 1, 2, 3, 4
        )
        INSERT INTO kpi_new_facts (period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT p.period_kind, p.period_start, p.scope_kind, p.scope_id, m.metric, m.value, m.numerator, m.denominator
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
        """
}
