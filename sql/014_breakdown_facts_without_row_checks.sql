-- The same trade as 013 for breakdown_facts, the engine's second-largest output: its per-row
-- foreign key into kpi.materialized_periods goes, and the org registry's delete trigger
-- removes a deleted org's breakdown facts too.
ALTER TABLE kpi.breakdown_facts DROP CONSTRAINT breakdown_facts_org_id_period_kind_period_start_fkey;

CREATE OR REPLACE FUNCTION kpi.delete_facts_of_deleted_orgs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM kpi.metric_facts f USING deleted_orgs d WHERE f.org_id = d.id;
    DELETE FROM kpi.breakdown_facts f USING deleted_orgs d WHERE f.org_id = d.id;
    RETURN NULL;
END
$$;
