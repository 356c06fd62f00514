-- Indexes that bound the KPI engine's scans to the materialized window (cost follows the
-- window, not the history).

CREATE INDEX deals_created_idx ON salesops.deals (org_id, created_at);
CREATE INDEX deals_closed_idx ON salesops.deals (org_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX leads_mql_idx ON salesops.leads (org_id, mql_at) WHERE mql_at IS NOT NULL;
CREATE INDEX leads_sql_idx ON salesops.leads (org_id, sql_at) WHERE sql_at IS NOT NULL;
CREATE INDEX leads_converted_idx ON salesops.leads (org_id, converted_at) WHERE converted_at IS NOT NULL;
CREATE INDEX activities_occurred_idx ON salesops.activities (org_id, occurred_at);
