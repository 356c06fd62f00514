-- Adds history at the KPI issue's density to an org that already has reps, accounts and
-- pipelines (from `salesctl demo seed --days 1`): per rep, 50 accounts in all and, over the
-- :days days up to :last_day, per two years, 500 deals with 3 to 4 stage changes each, 2,000
-- activities (two per deal, four per lead) and 250 leads. Deterministic for a given :seed.
--
--   psql URL -v org=SLUG -v days=730 -v last_day=2026-11-22 -v seed=0.25 -f issue_density.sql
--
-- Generated in set-based SQL (the import path is measured by its own benchmark); every row
-- satisfies the schema's constraints. Events after the end of :last_day (org-local) are left
-- out: such deals stay open, such lead milestones stay unset.
\set ON_ERROR_STOP on
BEGIN;
SELECT setseed(:seed) \gset

CREATE TEMPORARY TABLE bulk_org ON COMMIT DROP AS
SELECT o.id AS org_id,
       ((:'last_day'::date - (:days - 1))::timestamp AT TIME ZONE o.timezone) AS low,
       ((:'last_day'::date + 1)::timestamp AT TIME ZONE o.timezone) AS high,
       :days * 86400.0 AS span_seconds
FROM salesops.orgs o WHERE o.slug = :'org';

CREATE TEMPORARY TABLE bulk_reps ON COMMIT DROP AS
SELECT r.id, row_number() OVER (ORDER BY r.id) AS n FROM salesops.reps r JOIN bulk_org b ON r.org_id = b.org_id;

INSERT INTO salesops.accounts (org_id, external_id, name, owner_rep_id, region, source, churned_at)
SELECT b.org_id, 'bulk-acct-' || r.id || '-' || k, 'Bulk account ' || r.id || '-' || k, r.id,
       (ARRAY['dach', 'nordics', 'us-east', 'us-west', 'anz', 'japan'])[1 + floor(random() * 6)::int],
       (ARRAY['inbound', 'outbound', 'partner', 'event', 'referral'])[1 + floor(random() * 5)::int],
       CASE WHEN random() < 0.08 THEN b.low + (0.33 + 0.67 * random()) * b.span_seconds * interval '1 second' END
FROM bulk_org b, bulk_reps r, generate_series(1, 50 - (SELECT count(*) FROM salesops.accounts a WHERE a.org_id = b.org_id) / (SELECT count(*) FROM bulk_reps)) AS k;

CREATE TEMPORARY TABLE bulk_accounts ON COMMIT DROP AS
SELECT a.id, row_number() OVER (ORDER BY a.id) - 1 AS n FROM salesops.accounts a JOIN bulk_org b ON a.org_id = b.org_id;
CREATE TEMPORARY TABLE bulk_pipelines ON COMMIT DROP AS
SELECT s.pipeline_id, row_number() OVER (ORDER BY s.pipeline_id) - 1 AS n,
       array_agg(s.id ORDER BY s.position) FILTER (WHERE s.kind = 'open') AS open_ids,
       min(s.id) FILTER (WHERE s.kind = 'won') AS won_id, min(s.id) FILTER (WHERE s.kind = 'lost') AS lost_id
FROM salesops.stages s JOIN bulk_org b ON s.org_id = b.org_id GROUP BY s.pipeline_id;

-- Each deal: a creation instant, how many open stages it passes (reached), a cycle length, and
-- whether it closed won or lost once the cycle is over (if that is before the end).
CREATE TEMPORARY TABLE bulk_deals ON COMMIT DROP AS
SELECT 'bulk-deal-' || r.id || '-' || k AS external_id, r.id AS rep_id, p.pipeline_id, p.open_ids, p.won_id, p.lost_id,
       1 + floor(sqrt(x.reached) * array_length(p.open_ids, 1))::int AS reached, x.created_at, x.cycle, x.won, a.id AS account_id
FROM bulk_org b CROSS JOIN bulk_reps r CROSS JOIN generate_series(1, round(500 * :days / 730.0)::int) AS k
CROSS JOIN LATERAL (SELECT random() AS reached, b.low + random() * b.span_seconds * interval '1 second' AS created_at,
                           (5 + random() * 85) * interval '1 day' AS cycle, random() < 0.45 AS won,
                           floor(random() * (SELECT count(*) FROM bulk_accounts))::int AS account_n,
                           0 * r.id + 0 * k AS dependent) AS x
JOIN bulk_accounts a ON a.n = x.account_n
JOIN bulk_pipelines p ON p.n = (k + r.id) % (SELECT count(*) FROM bulk_pipelines);
-- Temporary tables have no statistics until analyzed; the joins below need them.
ANALYZE bulk_deals;

INSERT INTO salesops.deals (org_id, external_id, name, account_id, owner_rep_id, pipeline_id, stage_id, stage_kind, amount,
                            type, product, contract_months, created_at, closed_at)
SELECT b.org_id, d.external_id, 'Bulk deal', d.account_id, d.rep_id, d.pipeline_id,
       CASE WHEN d.created_at + d.cycle >= b.high THEN d.open_ids[d.reached] WHEN d.won THEN d.won_id ELSE d.lost_id END,
       CASE WHEN d.created_at + d.cycle >= b.high THEN 'open' WHEN d.won THEN 'won' ELSE 'lost' END,
       (5 + floor(random() * 116)) * 1000,
       (ARRAY['new', 'new', 'new', 'upsell', 'cross_sell', 'renewal'])[1 + floor(random() * 6)::int],
       (ARRAY['Platform', 'Analytics', 'Connect'])[1 + floor(random() * 3)::int],
       (ARRAY[12, 12, 24, 36])[1 + floor(random() * 4)::int],
       d.created_at, CASE WHEN d.created_at + d.cycle < b.high THEN d.created_at + d.cycle END
FROM bulk_deals d, bulk_org b;

-- Stage changes: into each reached open stage, evenly spread over the cycle, then into the
-- final stage at the close.
INSERT INTO salesops.deal_stage_changes (org_id, deal_id, pipeline_id, from_stage_id, to_stage_id, changed_at)
SELECT x.org_id, x.id, x.pipeline_id, CASE WHEN i > 1 THEN g.open_ids[i - 1] END, g.open_ids[i],
       x.created_at + (x.cycle_end - x.created_at) * (i - 1) / g.reached
FROM (SELECT d.*, coalesce(d.closed_at, d.created_at + 30 * interval '1 day') AS cycle_end
      FROM salesops.deals d JOIN bulk_org b ON d.org_id = b.org_id WHERE d.external_id LIKE 'bulk-deal-%') AS x
JOIN bulk_deals g ON g.external_id = x.external_id
CROSS JOIN generate_series(1, g.reached) AS i
WHERE x.created_at + (x.cycle_end - x.created_at) * (i - 1) / g.reached < (SELECT high FROM bulk_org)
UNION ALL
SELECT x.org_id, x.id, x.pipeline_id, g.open_ids[g.reached], x.stage_id, x.closed_at
FROM salesops.deals x JOIN bulk_org b ON x.org_id = b.org_id
JOIN bulk_deals g ON g.external_id = x.external_id
WHERE x.closed_at IS NOT NULL;

-- Leads, with milestones after creation, each only when it falls before the end.
INSERT INTO salesops.leads (org_id, external_id, source, owner_rep_id, created_at, mql_at, sql_at, first_response_at,
                            converted_at, disqualified_at)
SELECT b.org_id, 'bulk-lead-' || r.id || '-' || k,
       (ARRAY['web', 'webinar', 'outbound', 'partner', 'event'])[1 + floor(m.source * 5)::int], r.id, m.created_at,
       CASE WHEN m.mql < 0.5 AND m.created_at + m.mql_delay < b.high THEN m.created_at + m.mql_delay END,
       CASE WHEN m.mql < 0.25 AND m.created_at + m.sql_delay < b.high THEN m.created_at + m.sql_delay END,
       CASE WHEN m.response < 0.8 AND m.created_at + m.response_delay < b.high THEN m.created_at + m.response_delay END,
       CASE WHEN m.mql < 0.125 AND m.created_at + m.converted_delay < b.high THEN m.created_at + m.converted_delay END,
       CASE WHEN m.mql >= 0.125 AND m.response < 0.2 AND m.created_at + m.mql_delay * 3 < b.high THEN m.created_at + m.mql_delay * 3 END
FROM bulk_org b CROSS JOIN bulk_reps r CROSS JOIN generate_series(1, round(250 * :days / 730.0)::int) AS k
CROSS JOIN LATERAL (SELECT b.low + random() * b.span_seconds * interval '1 second' AS created_at, random() AS source,
                           random() AS response, random() AS mql, random() * interval '2 days' AS response_delay,
                           (1 + random() * 4) * interval '1 day' AS mql_delay, (6 + random() * 9) * interval '1 day' AS sql_delay,
                           (16 + random() * 24) * interval '1 day' AS converted_delay, 0 * r.id + 0 * k AS dependent) AS m;

-- Activities: two on each deal (its owner, its account, during its cycle), four on each lead.
INSERT INTO salesops.activities (org_id, external_id, rep_id, kind, occurred_at, lead_id, account_id, deal_id, outcome)
SELECT d.org_id, 'bulk-act-d' || d.id || '-' || i, d.owner_rep_id,
       (ARRAY['call', 'email', 'meeting', 'demo', 'proposal'])[1 + floor(random() * 5)::int],
       d.created_at + random() * (coalesce(d.closed_at, least(d.created_at + interval '30 days', b.high - interval '1 second')) - d.created_at),
       NULL, d.account_id, d.id,
       (ARRAY['none', 'completed', 'accepted', 'positive_reply', 'negative_reply'])[1 + floor(random() * 5)::int]
FROM salesops.deals d JOIN bulk_org b ON d.org_id = b.org_id, generate_series(1, 2) AS i
WHERE d.external_id LIKE 'bulk-deal-%'
UNION ALL
SELECT l.org_id, 'bulk-act-l' || l.id || '-' || i, l.owner_rep_id,
       (ARRAY['call', 'email', 'email', 'call', 'other'])[1 + floor(random() * 5)::int],
       least(l.created_at + random() * interval '20 days', b.high - interval '1 second'), l.id, NULL, NULL,
       (ARRAY['none', 'none', 'positive_reply', 'negative_reply', 'no_show'])[1 + floor(random() * 5)::int]
FROM salesops.leads l JOIN bulk_org b ON l.org_id = b.org_id, generate_series(1, 4) AS i
WHERE l.external_id LIKE 'bulk-lead-%';
COMMIT;
