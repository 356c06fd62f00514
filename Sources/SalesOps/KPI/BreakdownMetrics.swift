/// Breakdowns (SPEC §5.2), every period kind and scope, into `kpi_new_breakdown_facts`:
/// `revenue` and `deals_won` by `region` and `source` (of the account), `product` and
/// `deal_type` (of the deal); `new_leads` by `lead_source`; and `leads` created by e by
/// `lifecycle_stage` (the furthest of disqualified, customer, sql, mql, lead reached by e).
/// A null key is `(none)`.
enum BreakdownMetrics {
    static let sql = """
        WITH won AS (
            SELECT (d.closed_at AT TIME ZONE $2)::date AS day, d.owner_rep_id AS rep_id, d.amount, d.product, d.type,
                   a.region, a.source
            FROM salesops.deals d
            CROSS JOIN kpi_window w
            JOIN salesops.accounts a ON a.org_id = d.org_id AND a.id = d.account_id
            WHERE d.org_id = $1 AND d.stage_kind = 'won' AND d.closed_at >= w.low AND d.closed_at < w.high
        ), deal_keys AS (
            SELECT won.day, won.rep_id, won.amount, k.dimension, coalesce(k.key, '(none)') AS key
            FROM won
            CROSS JOIN LATERAL (VALUES ('region', won.region), ('source', won.source), ('product', won.product),
                                       ('deal_type', won.type)) AS k (dimension, key)
        ), new_leads AS (
            SELECT (l.created_at AT TIME ZONE $2)::date AS day, COALESCE(l.owner_rep_id, 0) AS rep_id,
                   coalesce(l.source, '(none)') AS key
            FROM salesops.leads l CROSS JOIN kpi_window w
            WHERE l.org_id = $1 AND l.created_at >= w.low AND l.created_at < w.high
        ), stops AS (
            SELECT DISTINCT stop FROM kpi_periods
        ), lifecycle AS (
            SELECT st.stop, COALESCE(l.owner_rep_id, 0) AS rep_id,
                   CASE WHEN (l.disqualified_at AT TIME ZONE $2)::date <= st.stop THEN 'disqualified'
                        WHEN (l.converted_at AT TIME ZONE $2)::date <= st.stop THEN 'customer'
                        WHEN (l.sql_at AT TIME ZONE $2)::date <= st.stop THEN 'sql'
                        WHEN (l.mql_at AT TIME ZONE $2)::date <= st.stop THEN 'mql'
                        ELSE 'lead' END AS key
            FROM stops st
            JOIN salesops.leads l ON l.org_id = $1 AND l.created_at < ((st.stop + 1)::timestamp AT TIME ZONE $2)
        )
        INSERT INTO kpi_new_breakdown_facts (period_kind, period_start, scope_kind, scope_id, dimension, key, metric, value)
        SELECT k.period_kind, k.period_start, k.scope_kind, k.scope_id, k.dimension, k.key, m.metric, m.value
        FROM (
            SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, d.dimension, d.key,
                   sum(d.amount) AS revenue, count(*) AS deals
            FROM deal_keys d
            JOIN kpi_day_periods p ON p.day = d.day
            JOIN kpi_rep_scopes s ON s.rep_id = d.rep_id
            GROUP BY 1, 2, 3, 4, 5, 6
        ) AS k
        CROSS JOIN LATERAL (VALUES ('revenue', k.revenue), ('deals_won', k.deals::numeric)) AS m (metric, value)
        WHERE m.value <> 0
        UNION ALL
        SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, 'lead_source', n.key, 'new_leads', count(*)
        FROM new_leads n
        JOIN kpi_day_periods p ON p.day = n.day
        JOIN kpi_rep_scopes s ON s.rep_id = n.rep_id
        GROUP BY 1, 2, 3, 4, 6
        UNION ALL
        SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, 'lifecycle_stage', l.key, 'leads', count(*)
        FROM lifecycle l
        JOIN kpi_periods p ON p.stop = l.stop
        JOIN kpi_rep_scopes s ON s.rep_id = l.rep_id
        GROUP BY 1, 2, 3, 4, 6
        """
}
