-- Who may choose the org of a transaction, and the roles handed to tenants (SPEC §2, §9).
--
-- Until now every policy trusted the transaction setting salesops.org_id, which any session
-- can set (SET, set_config, connection options). From here on the policies read the org
-- through salesops.current_org_id(), which decides by the session's login (session_user,
-- which SET ROLE, RESET and SECURITY DEFINER functions cannot change):
--
-- * a login bound to an org in salesops_meta.tenant_roles (a BI reader made by
--   `salesctl org grant-reader`) always gets its bound org, whatever it sets;
-- * a product session, whose login is (a member of) the owner of the salesops schema — the
--   operator's login the product's processes run as, switching to salesops_app or
--   salesops_scheduler per transaction — gets the org its transaction set, as before;
-- * any other login gets no org, even one granted salesops_app: it sees no tenant rows.
--
-- salesops_meta is the operator's bookkeeping schema: no tenant-reachable role holds any
-- privilege in it.

CREATE FUNCTION salesops.is_service_session() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
    SELECT pg_catalog.pg_has_role(session_user, n.nspowner, 'MEMBER')
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname = 'salesops'
$$;

CREATE TABLE salesops_meta.tenant_roles (
    role_name    name PRIMARY KEY,
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    kind         text NOT NULL DEFAULT 'reader' CHECK (kind IN ('reader')),
    created_role boolean NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON salesops_meta.tenant_roles FROM PUBLIC;

CREATE FUNCTION salesops.current_org_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT COALESCE(
        (SELECT b.org_id FROM salesops_meta.tenant_roles b WHERE b.role_name = session_user),
        CASE WHEN salesops.is_service_session()
             THEN NULLIF(pg_catalog.current_setting('salesops.org_id', true), '')::bigint END)
$$;

-- Every tenant policy reads the org through the function (once per statement: the
-- sub-select becomes an init plan).
DO $$
DECLARE
    policy record;
BEGIN
    FOR policy IN
        SELECT schemaname, tablename FROM pg_catalog.pg_policies WHERE policyname = 'tenant_isolation'
    LOOP
        EXECUTE format('ALTER POLICY tenant_isolation ON %I.%I USING (org_id = (SELECT salesops.current_org_id()))'
                       ' WITH CHECK (org_id = (SELECT salesops.current_org_id()))',
                       policy.schemaname, policy.tablename);
    END LOOP;
END
$$;

-- The org registry: product sessions see every org (to resolve slugs, to schedule); a
-- tenant login sees its own org's row only. Only product sessions register orgs.
ALTER POLICY orgs_visible ON salesops.orgs
    USING (salesops.is_service_session() OR id = (SELECT salesops.current_org_id()));
ALTER POLICY orgs_register ON salesops.orgs
    WITH CHECK (salesops.is_service_session());
ALTER POLICY orgs_update_own ON salesops.orgs
    USING (id = (SELECT salesops.current_org_id()))
    WITH CHECK (id = (SELECT salesops.current_org_id()));
ALTER POLICY orgs_delete_own ON salesops.orgs
    USING (id = (SELECT salesops.current_org_id()));

ALTER POLICY scheduler_every_org ON salesops.scheduler_runs
    USING (salesops.is_service_session()) WITH CHECK (salesops.is_service_session());

-- The metric catalogue is the migrations' alone.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON salesops.metrics FROM salesops_app, PUBLIC;

-- Per-org work locks. Materializations of one org queue on the org's row here (by
-- updating it: a run whose REPEATABLE READ snapshot predates another run's commit fails at
-- once with a serialization failure and starts over, before it computes anything), and
-- the scheduler's claimers skip orgs another claimer holds. Locking a row takes UPDATE
-- privilege and passing this table's policy, which only product sessions do, so no tenant
-- (not even a login wrongly granted salesops_app) can hold another org's work; advisory
-- locks, used before, can be taken by any session.
CREATE TABLE salesops_meta.org_locks (
    org_id           bigint PRIMARY KEY REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    materialized_at  timestamptz
);
ALTER TABLE salesops_meta.org_locks ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops_meta.org_locks FORCE ROW LEVEL SECURITY;
CREATE POLICY product_sessions_only ON salesops_meta.org_locks
    USING (salesops.is_service_session()) WITH CHECK (salesops.is_service_session());
GRANT USAGE ON SCHEMA salesops_meta TO salesops_app, salesops_scheduler;
GRANT SELECT, INSERT, UPDATE ON salesops_meta.org_locks TO salesops_app;
GRANT SELECT, UPDATE ON salesops_meta.org_locks TO salesops_scheduler;

INSERT INTO salesops_meta.org_locks (org_id) SELECT id FROM salesops.orgs;

CREATE FUNCTION salesops.org_locks_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO salesops_meta.org_locks (org_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER orgs_add_lock AFTER INSERT ON salesops.orgs
    FOR EACH ROW EXECUTE FUNCTION salesops.org_locks_add();

-- The group role of BI readers. A reader reads its org's four KPI views, and of the
-- tables under them (security_invoker views read with the reader's rights) only the
-- columns the views use: names and keys, never e-mails or amounts of raw records.
DO $$
BEGIN
    CREATE ROLE salesops_reader NOLOGIN NOBYPASSRLS;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- roles are cluster-wide: another database of this cluster created it
END
$$;

GRANT USAGE ON SCHEMA salesops, kpi TO salesops_reader;
GRANT SELECT ON kpi.metric_values, kpi.stage_metrics, kpi.breakdowns, kpi.target_attainment TO salesops_reader;
GRANT SELECT ON kpi.metric_facts, kpi.materialized_periods, kpi.stage_facts, kpi.breakdown_facts TO salesops_reader;
GRANT SELECT (org_id, id, external_id, name) ON salesops.teams TO salesops_reader;
GRANT SELECT (org_id, id, external_id, name) ON salesops.reps TO salesops_reader;
GRANT SELECT (org_id, id, name) ON salesops.pipelines TO salesops_reader;
GRANT SELECT (org_id, id, pipeline_id, name) ON salesops.stages TO salesops_reader;
GRANT SELECT (org_id, id, scope_kind, team_id, rep_id, metric, period, value) ON salesops.targets TO salesops_reader;
GRANT SELECT (id, slug, name, timezone, currency, fiscal_year_start_month) ON salesops.orgs TO salesops_reader;
GRANT SELECT ON salesops.metrics TO salesops_reader;

-- Binds a login role to an org as a reader, creating it when it does not exist. Runs as
-- the operator (it creates roles); role names are quoted by format('%I'), values by '%L'.
-- Returns whether the role was created.
CREATE FUNCTION salesops_meta.grant_reader(p_role text, p_org_id bigint, p_password_verifier text,
                                           p_connection_limit integer, p_statement_timeout text,
                                           p_lock_timeout text, p_idle_timeout text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    existing record;
    bound_to bigint;
    created boolean := false;
BEGIN
    IF p_role !~ '^[a-z_][a-z0-9_]{0,62}$' OR p_role LIKE 'salesops%' OR p_role LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'role name "%" is not allowed: use 1-63 lower-case letters, digits or _, not starting with salesops or pg_', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_connection_limit NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'connection limit % is outside 1-100', p_connection_limit USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Grants and revocations queue here (a self-conflicting mode; readers of the table are not
    -- held up, and no tenant role can lock it): a second grant of the same role sees the first's
    -- binding instead of racing it on the role's catalog row.
    LOCK TABLE salesops_meta.tenant_roles IN SHARE ROW EXCLUSIVE MODE;
    SELECT org_id INTO bound_to FROM salesops_meta.tenant_roles WHERE role_name = p_role;
    IF FOUND AND bound_to <> p_org_id THEN
        RAISE EXCEPTION 'role "%" is already bound to another org', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO existing FROM pg_catalog.pg_roles WHERE rolname = p_role;
    IF FOUND THEN
        IF existing.rolsuper OR existing.rolbypassrls OR existing.rolcreaterole OR existing.rolcreatedb OR existing.rolreplication THEN
            RAISE EXCEPTION 'role "%" has administrative attributes and cannot be handed to a tenant', p_role
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF pg_catalog.pg_has_role(p_role, (SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = 'salesops'), 'MEMBER')
           OR pg_catalog.pg_has_role(p_role, 'salesops_app', 'MEMBER')
           OR pg_catalog.pg_has_role(p_role, 'salesops_scheduler', 'MEMBER') THEN
            RAISE EXCEPTION 'role "%" is a member of a product role and cannot be handed to a tenant', p_role
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN', p_role);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', p_role);
        created := true;
    END IF;
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', p_role, p_connection_limit);
    IF p_password_verifier IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', p_role, p_password_verifier);
    END IF;
    EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_role, p_statement_timeout);
    EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', p_role, p_lock_timeout);
    EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role, p_idle_timeout);
    EXECUTE format('GRANT salesops_reader TO %I', p_role);
    -- A concurrent grant of the same role may have bound it first: then it must be to this org.
    INSERT INTO salesops_meta.tenant_roles AS b (role_name, org_id, created_role)
    VALUES (p_role, p_org_id, created)
    ON CONFLICT (role_name) DO UPDATE SET org_id = b.org_id
    RETURNING b.org_id INTO bound_to;
    IF bound_to <> p_org_id THEN
        RAISE EXCEPTION 'role "%" is already bound to another org', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN created;
END
$$;

-- Unbinds a reader from its org: drops the role if grant_reader created it, else takes
-- back the reader group. Returns false when the role was not bound to the org.
CREATE FUNCTION salesops_meta.revoke_reader(p_role text, p_org_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    binding record;
BEGIN
    LOCK TABLE salesops_meta.tenant_roles IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM salesops_meta.tenant_roles WHERE role_name = p_role AND org_id = p_org_id RETURNING * INTO binding;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF binding.created_role THEN
        EXECUTE format('DROP ROLE IF EXISTS %I', p_role);
    ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role) THEN
        EXECUTE format('REVOKE salesops_reader FROM %I', p_role);
    END IF;
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION salesops_meta.grant_reader(text, bigint, text, integer, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION salesops_meta.revoke_reader(text, bigint) FROM PUBLIC;
