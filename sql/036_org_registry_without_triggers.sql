-- The org registry keeps no triggers. On a Citus cluster it is a reference table, a copy on
-- every node, and a trigger on it fires on every copy: each would register the org's lock
-- three times, or write another node's tables from inside a shard. What they did moves:
--
-- * a new org's lock row and a changed org's read version: salesops_meta.org_changed(id),
--   which the product calls in the transaction that creates or changes the org;
-- * a deleted org's facts: foreign keys with ON DELETE CASCADE, like every other tenant
--   table's (the fact sets are few rows per org: a key check per row costs nothing there).
DROP TRIGGER orgs_add_lock ON salesops.orgs;
DROP TRIGGER read_version_insert ON salesops.orgs;
DROP TRIGGER read_version_update ON salesops.orgs;
DROP TRIGGER orgs_delete_metric_facts ON salesops.orgs;
DROP FUNCTION salesops.org_locks_add();
DROP FUNCTION salesops_meta.raise_read_versions_of_orgs();
DROP FUNCTION kpi.delete_facts_of_deleted_orgs();

DELETE FROM kpi.metric_fact_sets f WHERE NOT EXISTS (SELECT 1 FROM salesops.orgs o WHERE o.id = f.org_id);
DELETE FROM kpi.breakdown_fact_sets f WHERE NOT EXISTS (SELECT 1 FROM salesops.orgs o WHERE o.id = f.org_id);
ALTER TABLE kpi.metric_fact_sets
    ADD CONSTRAINT metric_fact_sets_org_id_fkey FOREIGN KEY (org_id) REFERENCES salesops.orgs (id) ON DELETE CASCADE;
ALTER TABLE kpi.breakdown_fact_sets
    ADD CONSTRAINT breakdown_fact_sets_org_id_fkey FOREIGN KEY (org_id) REFERENCES salesops.orgs (id) ON DELETE CASCADE;

-- Registers a new org's lock row (once) and raises its read version, so conditional reads
-- see the change. Product sessions only.
CREATE FUNCTION salesops_meta.org_changed(p_org_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    -- A value, not a call: Citus takes only immutable expressions in ON CONFLICT ... SET.
    changed timestamptz := statement_timestamp();
BEGIN
    IF NOT salesops.is_service_session() THEN
        RAISE EXCEPTION 'only product sessions record org changes' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO salesops_meta.org_locks (org_id) VALUES (p_org_id) ON CONFLICT (org_id) DO NOTHING;
    INSERT INTO salesops_meta.read_versions AS v (org_id) VALUES (p_org_id)
    ON CONFLICT (org_id) DO UPDATE SET version = v.version + 1, changed_at = changed;
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.org_changed(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION salesops_meta.org_changed(bigint) TO salesops_app;

-- The tenant tables' read-version triggers, in a form a shard's trigger can run on a Citus
-- worker: the changed orgs are read from the transition table on their own (Citus plans no
-- statement that joins one), and each org's row is raised by a statement without parameters
-- (the org id and the time are values of this statement, quoted by format()), with the time
-- as a value (Citus takes only immutable expressions in ON CONFLICT ... SET).
CREATE OR REPLACE FUNCTION salesops_meta.raise_read_versions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    org bigint;
BEGIN
    FOR org IN SELECT DISTINCT c.org_id FROM changed_rows c ORDER BY 1 LOOP
        EXECUTE format('INSERT INTO salesops_meta.read_versions AS v (org_id)'
                       ' SELECT %s WHERE EXISTS (SELECT 1 FROM salesops.orgs o WHERE o.id = %s)'
                       ' ON CONFLICT (org_id) DO UPDATE SET version = v.version + 1, changed_at = %L::timestamptz',
                       org, org, statement_timestamp());
    END LOOP;
    RETURN NULL;
END
$$;

-- Parent changes of one org's teams queue on the org's read-version row instead of its
-- registry row (sql/025): on a cluster the registry row has a copy on every node, and a team
-- trigger runs on the node of the org's shards, where the read-version row lives too. The
-- function runs as its owner to take the lock; no tenant role can read or lock that table.
CREATE OR REPLACE FUNCTION salesops.teams_refuse_parent_cycle() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM salesops_meta.read_versions WHERE org_id = NEW.org_id FOR NO KEY UPDATE;
    IF EXISTS (
        WITH RECURSIVE chain (id, depth) AS (
            SELECT NEW.parent_id, 1
            UNION ALL
            SELECT t.parent_id, chain.depth + 1
            FROM chain
            JOIN salesops.teams t ON t.org_id = NEW.org_id AND t.id = chain.id
            WHERE t.parent_id IS NOT NULL AND chain.id <> NEW.id AND chain.depth < 10000
        )
        SELECT 1 FROM chain WHERE chain.id = NEW.id
    ) THEN
        RAISE EXCEPTION 'team % would become its own ancestor', NEW.external_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'teams_no_parent_cycle',
                  TABLE = 'teams', SCHEMA = 'salesops';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION salesops.teams_refuse_parent_cycle() FROM PUBLIC;
