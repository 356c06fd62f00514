-- The product's schema and the application role.
--
-- salesops_app is the role all tenant work runs as: it has no BYPASSRLS, so row-level
-- security applies to it. The migrating user becomes a member so it can SET LOCAL ROLE
-- to it inside each tenant transaction.

CREATE SCHEMA salesops;

DO $$
BEGIN
    CREATE ROLE salesops_app NOLOGIN NOBYPASSRLS;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- roles are cluster-wide: another database of this cluster created it
END
$$;

GRANT salesops_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA salesops TO salesops_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA salesops
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO salesops_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA salesops
    GRANT USAGE, SELECT ON SEQUENCES TO salesops_app;

-- Whether a name is an IANA time zone the server knows.
CREATE FUNCTION salesops.is_valid_timezone(name text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE pg_timezone_names.name = $1)
$$;
