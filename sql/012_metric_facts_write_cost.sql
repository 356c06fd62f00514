-- Fact writes dominate a backfill, and each foreign key costs a per-row lookup. Two of
-- metric_facts' keys are redundant:
--   * org_id -> orgs: implied by the key into kpi.materialized_periods, whose org_id
--     references orgs (ON DELETE CASCADE both ways, so deleting an org still removes its facts);
--   * metric -> salesops.metrics: the engine writes only catalogue names and checks the
--     names of every run's facts against the catalogue, set-based, before writing them.
ALTER TABLE kpi.metric_facts DROP CONSTRAINT metric_facts_org_id_fkey;
ALTER TABLE kpi.metric_facts DROP CONSTRAINT metric_facts_metric_fkey;
