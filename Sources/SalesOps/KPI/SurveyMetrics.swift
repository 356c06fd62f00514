import PostgresClient

/// `nps`, `csat` and `enps` over the responses in each period (SPEC §5.2, Surveys).
///
/// nps and csat count toward the owner of the response's account; enps toward the
/// response's rep, and only at team and org scope. Promoters score 9–10, detractors 0–6;
/// csat counts scores of 4 and 5 as satisfied.
enum SurveyMetrics {
    static let family = MetricFamily(name: "surveys", target: .metrics, query: query)

    static func query(_ org: FamilyInput) -> Query {
        """
        WITH responses AS (
            SELECT salesops.local_day(v.responded_at, \(org.timeZone)) AS day, v.kind, v.score,
                   CASE WHEN v.kind = 'enps' THEN v.rep_id ELSE a.owner_rep_id END AS rep_id
            FROM salesops.survey_responses v
            CROSS JOIN kpi_window w
            LEFT JOIN salesops.accounts a ON a.org_id = v.org_id AND a.id = v.account_id
            WHERE v.org_id = \(org.id) AND v.responded_at >= w.low AND v.responded_at < w.high
        ), scored AS (
            SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, r.kind AS metric,
                   count(*) AS responses,
                   CASE WHEN r.kind = 'csat' THEN count(*) FILTER (WHERE r.score >= 4)
                        ELSE count(*) FILTER (WHERE r.score >= 9) - count(*) FILTER (WHERE r.score <= 6) END AS net
            FROM responses r
            JOIN kpi_day_periods p ON p.day = r.day
            JOIN kpi_rep_scopes s ON s.rep_id = COALESCE(r.rep_id, 0)
            WHERE NOT (r.kind = 'enps' AND s.scope_kind = 'rep')
            GROUP BY 1, 2, 3, 4, 5
        )
        INSERT INTO kpi_new_facts (period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT period_kind, period_start, scope_kind, scope_id, metric, 100 * net::numeric / responses, net, responses
        FROM scored
        """
    }
}
