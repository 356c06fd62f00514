/// Ratios across families, computed from the facts the other families wrote in this run
/// (a missing fact reads as 0): `cost_per_lead` and `romi` (SPEC §5.2, Spend), org scope,
/// months, quarters and years only.
enum DerivedMetrics {
    static let metrics = ["cost_per_lead", "romi"]

    static let sql = """
        WITH org_facts AS (
            SELECT period_kind, period_start,
                   coalesce(sum(value) FILTER (WHERE metric = 'marketing_spend'), 0) AS marketing,
                   coalesce(sum(value) FILTER (WHERE metric = 'new_leads'), 0) AS new_leads,
                   coalesce(sum(value) FILTER (WHERE metric = 'revenue'), 0) AS revenue
            FROM kpi_new_facts
            WHERE scope_kind = 'org' AND period_kind IN ('month', 'quarter', 'year')
            GROUP BY 1, 2
        )
        INSERT INTO kpi_new_facts (period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT f.period_kind, f.period_start, 'org', 0, m.metric, m.value, m.numerator, m.denominator
        FROM org_facts f
        CROSS JOIN LATERAL (VALUES
            ('cost_per_lead', f.marketing / NULLIF(f.new_leads, 0), f.marketing, f.new_leads),
            ('romi', 100 * (f.revenue - f.marketing) / NULLIF(f.marketing, 0), f.revenue - f.marketing, f.marketing)
        ) AS m (metric, value, numerator, denominator)
        WHERE (coalesce(m.value, 0) <> 0 OR coalesce(m.numerator, 0) <> 0 OR coalesce(m.denominator, 0) <> 0)
          AND $1::bigint IS NOT NULL AND $2::text IS NOT NULL
        """
}
