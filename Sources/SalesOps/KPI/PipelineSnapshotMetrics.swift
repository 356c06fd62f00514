/// The open pipeline at the end of each period's stop day e (SPEC §5.2): `open_opportunities`,
/// `open_pipeline_amount` and `weighted_pipeline_amount`.
///
/// A deal is open at e when created by e and not closed by e (local days). Its weight is the
/// probability of stage_at(e): the to-stage of its last change by e; if none, the from-stage
/// of its earliest change; if it has no changes (or that from-stage is unknown), its current
/// stage. Snapshots are taken once per distinct stop day and shared by the periods ending there.
enum PipelineSnapshotMetrics {
    static let metrics = ["open_opportunities", "open_pipeline_amount", "weighted_pipeline_amount"]

    static let sql = """
        WITH stops AS (
            SELECT DISTINCT stop, ((stop + 1)::timestamp AT TIME ZONE $2) AS stop_end FROM kpi_periods
        ), open_at AS (
            SELECT st.stop, d.owner_rep_id AS rep_id, d.amount,
                   coalesce(
                       (SELECT c.to_stage_id FROM salesops.deal_stage_changes c
                        WHERE c.org_id = $1 AND c.deal_id = d.id AND c.changed_at < st.stop_end
                        ORDER BY c.changed_at DESC, c.id DESC LIMIT 1),
                       (SELECT c.from_stage_id FROM salesops.deal_stage_changes c
                        WHERE c.org_id = $1 AND c.deal_id = d.id
                        ORDER BY c.changed_at, c.id LIMIT 1),
                       d.stage_id) AS stage_id
            FROM stops st
            JOIN salesops.deals d
              ON d.org_id = $1 AND d.created_at < st.stop_end AND (d.closed_at IS NULL OR d.closed_at >= st.stop_end)
        ), scoped AS (
            SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id,
                   count(*) AS deals, sum(o.amount) AS amount, sum(o.amount * g.probability / 100) AS weighted
            FROM open_at o
            JOIN salesops.stages g ON g.org_id = $1 AND g.id = o.stage_id
            JOIN kpi_periods p ON p.stop = o.stop
            JOIN kpi_rep_scopes s ON s.rep_id = o.rep_id
            GROUP BY 1, 2, 3, 4
        )
        INSERT INTO kpi_new_facts (period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
        SELECT q.period_kind, q.period_start, q.scope_kind, q.scope_id, m.metric, m.value, NULL, NULL
        FROM scoped q
        CROSS JOIN LATERAL (VALUES
            ('open_opportunities', q.deals::numeric), ('open_pipeline_amount', q.amount), ('weighted_pipeline_amount', q.weighted)
        ) AS m (metric, value)
        WHERE coalesce(m.value, 0) <> 0
        """
}
