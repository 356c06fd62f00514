-- Lookups the KPI engine makes per deal: activities linked to a deal, and a deal's stage
-- history in time order.

CREATE INDEX activities_deal_idx ON salesops.activities (org_id, deal_id, occurred_at) WHERE deal_id IS NOT NULL;
CREATE INDEX deal_stage_changes_deal_time_idx ON salesops.deal_stage_changes (org_id, deal_id, changed_at);
