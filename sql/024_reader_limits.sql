-- Limits a BI reader cannot lift (SPEC §9: "not by raising its own limits").
--
-- The timeouts grant_reader sets are role defaults, and PostgreSQL lets a role change its own
-- defaults (ALTER ROLE me SET statement_timeout = 0) and any session its own settings (SET).
-- So they are now enforced from outside the session:
--
-- * each binding records its limits (statement, idle in transaction, transaction age) and a
--   watchdog run by the product's long-running processes (`serve`, `scheduler run`) ends
--   reader sessions past them (end_reader_sessions_over_limits, below): a reader cannot run a
--   statement for ever, sit idle in a transaction, or hold a snapshot that keeps other orgs'
--   dead rows from VACUUM;
-- * temp_file_limit is a superuser-only setting: set per reader role, no reader can change it;
-- * readers may not create temporary tables: TEMP on the database is taken from PUBLIC and
--   given to the product's roles, which use temporary tables for materializations.

ALTER TABLE salesops_meta.tenant_roles
    ADD COLUMN statement_limit interval NOT NULL DEFAULT '30 seconds',
    ADD COLUMN idle_in_transaction_limit interval NOT NULL DEFAULT '60 seconds',
    ADD COLUMN transaction_limit interval NOT NULL DEFAULT '10 minutes',
    ADD CONSTRAINT tenant_roles_limits_positive CHECK (
        statement_limit > '0' AND idle_in_transaction_limit > '0' AND transaction_limit > '0');

-- Readers create no temporary tables: TEMP on this database is the product roles' only. Run by
-- the migration and again at every grant, since a database made from a migrated template
-- (CREATE DATABASE ... TEMPLATE) does not inherit the template's database privileges.
CREATE FUNCTION salesops_meta.restrict_temporary_tables() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO salesops_app, salesops_scheduler, %I', current_database(), current_user);
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.restrict_temporary_tables() FROM PUBLIC;

-- Records a reader's limits and sets its temp_file_limit (which only a superuser, or a login
-- granted SET on the parameter, may set; the role itself never can).
CREATE FUNCTION salesops_meta.set_reader_limits(p_role text, p_statement_limit interval, p_idle_limit interval,
                                                p_transaction_limit interval, p_temp_file_limit text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE salesops_meta.tenant_roles
    SET statement_limit = p_statement_limit, idle_in_transaction_limit = p_idle_limit, transaction_limit = p_transaction_limit
    WHERE role_name = p_role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role "%" is not a reader', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('ALTER ROLE %I SET temp_file_limit = %L', p_role, p_temp_file_limit);
    PERFORM salesops_meta.restrict_temporary_tables();
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.set_reader_limits(text, interval, interval, interval, text) FROM PUBLIC;

-- Ends every reader session past one of its binding's limits; returns what it ended and why.
-- A statement's age counts from its start, an idle transaction's from its last statement, a
-- transaction's from its start. The caller needs to see reader sessions (a superuser or
-- pg_read_all_stats) and to signal them (a superuser or pg_signal_backend).
CREATE FUNCTION salesops_meta.end_reader_sessions_over_limits()
RETURNS TABLE (pid integer, role_name name, reason text)
LANGUAGE plpgsql AS $$
DECLARE
    over record;
BEGIN
    -- First the sessions over a limit, then the signals: a filter with pg_terminate_backend in a
    -- single statement could be evaluated before the join that picks readers.
    FOR over IN
        SELECT a.pid, b.role_name,
               CASE WHEN a.state = 'active' AND now() - a.query_start > b.statement_limit
                        THEN format('statement running longer than %s', b.statement_limit)
                    WHEN a.state LIKE 'idle in transaction%' AND now() - a.state_change > b.idle_in_transaction_limit
                        THEN format('idle in a transaction longer than %s', b.idle_in_transaction_limit)
                    WHEN now() - a.xact_start > b.transaction_limit
                        THEN format('transaction open longer than %s', b.transaction_limit)
               END AS reason
        FROM pg_catalog.pg_stat_activity a
        JOIN salesops_meta.tenant_roles b ON b.role_name = a.usename
        WHERE a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid()
    LOOP
        CONTINUE WHEN over.reason IS NULL;
        IF pg_catalog.pg_terminate_backend(over.pid) THEN
            pid := over.pid;
            role_name := over.role_name;
            reason := over.reason;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.end_reader_sessions_over_limits() FROM PUBLIC;

-- Existing readers keep their limits' defaults and get the temp file limit.
DO $$
DECLARE
    reader record;
BEGIN
    FOR reader IN SELECT role_name FROM salesops_meta.tenant_roles LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = reader.role_name) THEN
            EXECUTE format('ALTER ROLE %I SET temp_file_limit = %L', reader.role_name, '1GB');
        END IF;
    END LOOP;
    PERFORM salesops_meta.restrict_temporary_tables();
END
$$;
