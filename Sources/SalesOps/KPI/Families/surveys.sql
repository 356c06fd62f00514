-- The surveys family (metrics facts).
--
-- `nps`, `csat` and `enps` over the responses in each period (SPEC §5.2, Surveys).
--
-- nps and csat count toward the owner of the response's account; enps toward the
-- response's rep, and only at team and org scope. Promoters score 9–10, detractors 0–6;
-- csat counts scores of 4 and 5 as satisfied.
--
-- $1 = the org's id, $2 = its IANA time zone. It reads the run's temporary tables
-- (kpi.prepare_run) and inserts into the run's new-fact tables. In psql:
--   PREPARE surveys(bigint, text) AS <this statement>; EXPLAIN (ANALYZE, BUFFERS) EXECUTE surveys(<org id>, '<time zone>');
WITH responses AS (
    SELECT salesops.local_day(v.responded_at, $2) AS day, v.kind, v.score,
           CASE WHEN v.kind = 'enps' THEN v.rep_id ELSE a.owner_rep_id END AS rep_id
    FROM salesops.survey_responses v
    CROSS JOIN kpi_window w
    LEFT JOIN salesops.accounts a ON a.org_id = $1 AND a.id = v.account_id
    WHERE v.org_id = $1 AND w.org_id = $1 AND v.responded_at >= w.low AND v.responded_at < w.high
), scored AS (
    SELECT p.period_kind, p.period_start, s.scope_kind, s.scope_id, r.kind AS metric,
           count(*) AS responses,
           CASE WHEN r.kind = 'csat' THEN count(*) FILTER (WHERE r.score >= 4)
                ELSE count(*) FILTER (WHERE r.score >= 9) - count(*) FILTER (WHERE r.score <= 6) END AS net
    FROM responses r
    JOIN kpi_day_periods p ON p.org_id = $1 AND p.day = r.day
    JOIN kpi_rep_scopes s ON s.org_id = $1 AND s.rep_id = COALESCE(r.rep_id, 0)
    WHERE NOT (r.kind = 'enps' AND s.scope_kind = 'rep')
    GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO kpi_new_facts (org_id, period_kind, period_start, scope_kind, scope_id, metric, value, numerator, denominator)
SELECT $1, period_kind, period_start, scope_kind, scope_id, metric, 100 * net::numeric / responses, net, responses
FROM scored
