-- metric_facts is the engine's largest output (a row per period, scope and metric) and is
-- written only by the engine, which writes a run's periods into kpi.materialized_periods in
-- the same transaction before their facts. Its per-row foreign key into
-- materialized_periods cost about as much as the rest of the insert; it goes. What the key's
-- ON DELETE CASCADE did (facts leave with their org: orgs -> materialized_periods cascades)
-- a statement-level trigger on the org registry now does, set-based.
ALTER TABLE kpi.metric_facts DROP CONSTRAINT metric_facts_org_id_period_kind_period_start_fkey;

CREATE FUNCTION kpi.delete_facts_of_deleted_orgs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM kpi.metric_facts f USING deleted_orgs d WHERE f.org_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER orgs_delete_metric_facts
    AFTER DELETE ON salesops.orgs
    REFERENCING OLD TABLE AS deleted_orgs
    FOR EACH STATEMENT
    EXECUTE FUNCTION kpi.delete_facts_of_deleted_orgs();
