import PostgresClient

/// The metrics that decompose into additive daily components: deals and revenue, leads, and
/// activity counts (SPEC §5.2).
///
/// Every event is counted on its local day (`(ts AT TIME ZONE org.timezone)::date`) and
/// attributed to a rep. Each source table is first reduced to one wide row of components per
/// local day and rep; those rows are summed per period and scope, and each metric is a
/// function of its scope's components. The scan of each table is bounded by the covered
/// window (the earliest period start to the as-of date), through the window indexes.
///
/// Like every family, it reads the run's temporary tables (see `KPIMaterializer`) and writes
/// `kpi_new_facts`; `$1` is the org id and `$2` the org's time zone.
enum AdditiveMetrics {
    static let family = MetricFamily(name: "additive", target: .metrics, metrics: metrics, query: query)

    /// The metrics this family writes, in catalogue order.
    static let metrics = [
        "opportunities_created", "deals_won", "deals_lost", "revenue", "win_rate", "win_loss_ratio", "average_deal_size",
        "average_contract_value", "sales_cycle_days", "expansion_revenue", "expansion_revenue_share", "new_leads", "mqls",
        "sqls", "lead_conversions", "lead_conversion_rate", "mql_to_customer_rate", "sql_to_customer_rate",
        "avg_response_minutes", "leads_followed_up_rate", "activities", "calls", "emails", "meetings", "demos",
        "proposals_sent", "demo_to_close_rate", "meeting_acceptance_rate",
    ]

    static func query(_ org: FamilyInput) -> Query {
        """
        WITH events (day, rep_id, created, won, lost, revenue, expansion, annualized, cycle_days, new_leads, responded,
                     response_minutes, mqls, sqls, conversions, conversions_with_mql, conversions_with_sql, activities, calls,
                     emails, meetings, demos, proposals_sent, meetings_accepted, replies) AS (
            SELECT (d.created_at AT TIME ZONE \(org.timeZone))::date, d.owner_rep_id, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.deals d, kpi_window w
            WHERE d.org_id = \(org.id) AND d.created_at >= w.low AND d.created_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (d.closed_at AT TIME ZONE \(org.timeZone))::date, d.owner_rep_id, 0,
                   count(*) FILTER (WHERE d.stage_kind = 'won'), count(*) FILTER (WHERE d.stage_kind = 'lost'),
                   coalesce(sum(d.amount) FILTER (WHERE d.stage_kind = 'won'), 0),
                   coalesce(sum(d.amount) FILTER (WHERE d.stage_kind = 'won' AND d.type IN ('upsell', 'cross_sell')), 0),
                   coalesce(sum(d.amount * 12 / d.contract_months) FILTER (WHERE d.stage_kind = 'won'), 0),
                   coalesce(sum(extract(epoch FROM d.closed_at - d.created_at) / 86400) FILTER (WHERE d.stage_kind = 'won'), 0),
                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.deals d, kpi_window w
            WHERE d.org_id = \(org.id) AND d.closed_at >= w.low AND d.closed_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (l.created_at AT TIME ZONE \(org.timeZone))::date, l.owner_rep_id, 0, 0, 0, 0, 0, 0, 0,
                   count(*), count(l.first_response_at),
                   coalesce(sum(extract(epoch FROM l.first_response_at - l.created_at) / 60), 0),
                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = \(org.id) AND l.created_at >= w.low AND l.created_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (l.mql_at AT TIME ZONE \(org.timeZone))::date, l.owner_rep_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = \(org.id) AND l.mql_at >= w.low AND l.mql_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (l.sql_at AT TIME ZONE \(org.timeZone))::date, l.owner_rep_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   0, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = \(org.id) AND l.sql_at >= w.low AND l.sql_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (l.converted_at AT TIME ZONE \(org.timeZone))::date, l.owner_rep_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   0, 0, count(*), count(l.mql_at), count(l.sql_at), 0, 0, 0, 0, 0, 0, 0, 0
            FROM salesops.leads l, kpi_window w
            WHERE l.org_id = \(org.id) AND l.converted_at >= w.low AND l.converted_at < w.high
            GROUP BY 1, 2
            UNION ALL
            SELECT (x.occurred_at AT TIME ZONE \(org.timeZone))::date, x.rep_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   count(*), count(*) FILTER (WHERE x.kind = 'call'), count(*) FILTER (WHERE x.kind = 'email'),
                   count(*) FILTER (WHERE x.kind = 'meeting'), count(*) FILTER (WHERE x.kind = 'demo'),
                   count(*) FILTER (WHERE x.kind = 'proposal'),
                   count(*) FILTER (WHERE x.kind = 'meeting' AND x.outcome = 'accepted'),
                   count(*) FILTER (WHERE x.outcome IN ('positive_reply', 'negative_reply'))
            FROM salesops.activities x, kpi_window w
            WHERE x.org_id = \(org.id) AND x.occurred_at >= w.low AND x.occurred_at < w.high
            GROUP BY 1, 2
        ), daily AS (
            SELECT day, COALESCE(rep_id, 0) AS rep_id,
                   sum(created) AS created, sum(won) AS won, sum(lost) AS lost, sum(revenue) AS revenue,
                   sum(expansion) AS expansion, sum(annualized) AS annualized, sum(cycle_days) AS cycle_days,
                   sum(new_leads) AS new_leads, sum(responded) AS responded, sum(response_minutes) AS response_minutes,
                   sum(mqls) AS mqls, sum(sqls) AS sqls, sum(conversions) AS conversions,
                   sum(conversions_with_mql) AS conversions_with_mql, sum(conversions_with_sql) AS conversions_with_sql,
                   sum(activities) AS activities, sum(calls) AS calls, sum(emails) AS emails, sum(meetings) AS meetings,
                   sum(demos) AS demos, sum(proposals_sent) AS proposals_sent, sum(meetings_accepted) AS meetings_accepted,
                   sum(replies) AS replies
            FROM events GROUP BY 1, 2
        ), pivoted AS (
            SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id,
                   sum(d.created) AS created, sum(d.won) AS won, sum(d.lost) AS lost, sum(d.revenue) AS revenue,
                   sum(d.expansion) AS expansion, sum(d.annualized) AS annualized, sum(d.cycle_days) AS cycle_days,
                   sum(d.new_leads) AS new_leads, sum(d.responded) AS responded, sum(d.response_minutes) AS response_minutes,
                   sum(d.mqls) AS mqls, sum(d.sqls) AS sqls, sum(d.conversions) AS conversions,
                   sum(d.conversions_with_mql) AS conversions_with_mql, sum(d.conversions_with_sql) AS conversions_with_sql,
                   sum(d.activities) AS activities, sum(d.calls) AS calls, sum(d.emails) AS emails, sum(d.meetings) AS meetings,
                   sum(d.demos) AS demos, sum(d.proposals_sent) AS proposals_sent, sum(d.meetings_accepted) AS meetings_accepted,
                   sum(d.replies) AS replies
            FROM daily d
            JOIN kpi_day_periods p ON p.day = d.day
            JOIN kpi_rep_scopes s ON s.rep_id = d.rep_id
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
}
