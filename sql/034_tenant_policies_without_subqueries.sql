-- Tenant policies a distributed table can carry, as cheap per row as the ones they replace.
--
-- Until now every tenant policy compared org_id with `(SELECT salesops.current_org_id())`: a
-- sub-select, run once per statement as an init plan. Citus refuses sub-selects in the
-- policies of distributed tables, and it enforces policies on the workers' shards, in
-- sessions it opens as the coordinator's current user. Calling current_org_id() per row
-- instead (a SECURITY DEFINER function with its own search_path) costs ~25 µs a row under a
-- sequential scan: 1.6 s for an org's 63,000 activities instead of 14 ms.
--
-- So the product's own sessions and BI readers now pass through two policies:
--
-- * tenant_isolation (every role): org_id = salesops.session_org_id(), a SQL function of
--   built-ins only, which the planner inlines. It trusts the transaction's salesops.org_id
--   only in a product session (the session's login is a member of the salesops schema's
--   owner), exactly as current_org_id() does, and is a plain expression per row;
-- * tenant_reader (salesops_reader, SELECT): org_id = salesops.current_org_id(), the org a
--   reader login is bound to (salesops_meta.tenant_roles). Readers read compact fact sets
--   and small catalogue tables, so its per-row price is paid on few rows.
--
-- A login that is neither gets no org from either policy, as before. New tenant tables
-- call salesops_meta.isolate_tenant_table(table) and get the same two policies.

DO $$
BEGIN
    -- The owner is named, not referenced by oid (no stored expression may hold a role's oid,
    -- and a role's oid differs between the nodes of a cluster).
    EXECUTE format($f$
        CREATE FUNCTION salesops.session_org_id() RETURNS bigint
        LANGUAGE sql STABLE PARALLEL SAFE
        RETURN CASE WHEN pg_catalog.pg_has_role(SESSION_USER, %L::name, 'MEMBER')
                    THEN NULLIF(pg_catalog.current_setting('salesops.org_id', true), '')::bigint END
        $f$, (SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n WHERE n.nspname = 'salesops'));
END
$$;

COMMENT ON FUNCTION salesops.session_org_id() IS
    'The org a product session''s transaction chose (salesops.org_id); null in any other session.';

-- Enables and forces row-level security on a tenant table and gives it the two tenant
-- policies (replacing earlier ones of the same names).
CREATE FUNCTION salesops_meta.isolate_tenant_table(tenant_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tenant_table);
    EXECUTE format('DROP POLICY IF EXISTS tenant_reader ON %s', tenant_table);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (org_id = salesops.session_org_id())'
                   ' WITH CHECK (org_id = salesops.session_org_id())', tenant_table);
    EXECUTE format('CREATE POLICY tenant_reader ON %s FOR SELECT TO salesops_reader'
                   ' USING (org_id = salesops.current_org_id())', tenant_table);
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.isolate_tenant_table(regclass) FROM PUBLIC;

DO $$
DECLARE
    tenant_table regclass;
BEGIN
    FOR tenant_table IN
        SELECT format('%I.%I', p.schemaname, p.tablename)::regclass
        FROM pg_catalog.pg_policies p WHERE p.policyname = 'tenant_isolation'
    LOOP
        PERFORM salesops_meta.isolate_tenant_table(tenant_table);
    END LOOP;
END
$$;

-- The org registry: product sessions see every org; a reader login its own org's row.
ALTER POLICY orgs_visible ON salesops.orgs
    USING (salesops.is_service_session() OR id = salesops.current_org_id());
ALTER POLICY orgs_update_own ON salesops.orgs
    USING (id = salesops.session_org_id())
    WITH CHECK (id = salesops.session_org_id());
ALTER POLICY orgs_delete_own ON salesops.orgs
    USING (id = salesops.session_org_id());
