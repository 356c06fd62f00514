import PostgresClient

/// `marketing_spend` and `sales_spend` (SPEC §5.2, Spend): org scope, months, quarters and
/// years only; a period's spend is that of its months starting on or before its stop day.
enum SpendMetrics {
    static let family = MetricFamily(name: "spend", target: .metrics, query: query)

    static func query(_ org: FamilyInput) -> Query {
        """
        INSERT INTO kpi_new_facts (period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT p.period_kind, p.period_start, 'org', 0, m.metric, m.value, NULL, NULL
        FROM kpi_periods p
        CROSS JOIN LATERAL (
            SELECT sum(amount) FILTER (WHERE category = 'marketing') AS marketing,
                   sum(amount) FILTER (WHERE category = 'sales') AS sales
            FROM salesops.spend
            WHERE org_id = \(org.id) AND month BETWEEN p.period_start AND p.stop
        ) s
        CROSS JOIN LATERAL (VALUES ('marketing_spend', s.marketing), ('sales_spend', s.sales)) AS m (metric, value)
        WHERE p.period_kind IN ('month', 'quarter', 'year') AND coalesce(m.value, 0) <> 0
        """
    }
}
