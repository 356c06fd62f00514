-- Validators of an org's KPI reads, and an API read request opened in one statement.
--
-- Every KPI read of the API is a function of the org's materialized facts, its targets, its
-- teams, reps, pipelines and stages and its calendar (timezone, fiscal year). Each change to
-- any of them — a materialization commits its periods to kpi.materialized_periods — raises
-- the org's read version, so a client's ETag can be answered with 304 by comparing one
-- number, without running the read.

CREATE TABLE salesops_meta.read_versions (
    org_id     bigint PRIMARY KEY REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    version    bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT statement_timestamp()
);
REVOKE ALL ON salesops_meta.read_versions FROM PUBLIC;

INSERT INTO salesops_meta.read_versions (org_id) SELECT id FROM salesops.orgs;

-- Raises the read version of every org a statement changed rows of (`changed_rows` is the
-- statement's transition table; the orgs a cascade is deleting are skipped).
CREATE FUNCTION salesops_meta.raise_read_versions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO salesops_meta.read_versions AS v (org_id)
    SELECT DISTINCT c.org_id FROM changed_rows c
    WHERE EXISTS (SELECT 1 FROM salesops.orgs o WHERE o.id = c.org_id)
    ORDER BY c.org_id
    ON CONFLICT (org_id) DO UPDATE SET version = v.version + 1, changed_at = statement_timestamp();
    RETURN NULL;
END
$$;

-- The same for the org registry, whose rows carry the org in `id`.
CREATE FUNCTION salesops_meta.raise_read_versions_of_orgs() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO salesops_meta.read_versions AS v (org_id)
    SELECT c.id FROM changed_rows c ORDER BY c.id
    ON CONFLICT (org_id) DO UPDATE SET version = v.version + 1, changed_at = statement_timestamp();
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION salesops_meta.raise_read_versions() FROM PUBLIC;
REVOKE ALL ON FUNCTION salesops_meta.raise_read_versions_of_orgs() FROM PUBLIC;

DO $$
DECLARE
    relation text;
BEGIN
    FOREACH relation IN ARRAY ARRAY['kpi.materialized_periods', 'salesops.targets', 'salesops.teams', 'salesops.reps',
                                    'salesops.pipelines', 'salesops.stages']
    LOOP
        EXECUTE format('CREATE TRIGGER read_version_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION salesops_meta.raise_read_versions()', relation);
        EXECUTE format('CREATE TRIGGER read_version_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS changed_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION salesops_meta.raise_read_versions()', relation);
        EXECUTE format('CREATE TRIGGER read_version_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION salesops_meta.raise_read_versions()', relation);
    END LOOP;
END
$$;

CREATE TRIGGER read_version_insert AFTER INSERT ON salesops.orgs REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION salesops_meta.raise_read_versions_of_orgs();
CREATE TRIGGER read_version_update AFTER UPDATE ON salesops.orgs REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION salesops_meta.raise_read_versions_of_orgs();

-- Opens an API read request in one statement: checks the presented token (found by its
-- lookup key; the SHA-256 of its secret compared), refreshes its last use at most once a
-- minute and, when it is live, enters its org's context for the rest of the transaction —
-- the application role, the org, the statement timeout and a read-only transaction — and
-- returns the org's read version. Run by the server's login (a product session) as the
-- first statement of a pipelined implicit transaction; the settings end with it.
-- `status` is 'valid', 'invalid', 'expired' or 'revoked'; a token that is not valid
-- changes no setting.
CREATE FUNCTION salesops_meta.open_read_request(p_lookup_key text, p_secret_sha256 text, p_statement_timeout text)
RETURNS TABLE (status text, org_id bigint, token_id bigint, role text, read_version bigint, read_changed_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    token record;
BEGIN
    SELECT t.org_id, t.id, t.role, t.secret_sha256 = p_secret_sha256 AS matches,
           t.expires_at <= pg_catalog.now() AS expired, t.revoked_at IS NOT NULL AS revoked
    INTO token
    FROM salesops_meta.api_tokens t WHERE t.lookup_key = p_lookup_key;
    IF NOT FOUND OR NOT token.matches THEN
        RETURN QUERY SELECT 'invalid'::text, NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::timestamptz;
        RETURN;
    ELSIF token.revoked THEN
        RETURN QUERY SELECT 'revoked'::text, token.org_id, token.id, token.role, NULL::bigint, NULL::timestamptz;
        RETURN;
    ELSIF token.expired THEN
        RETURN QUERY SELECT 'expired'::text, token.org_id, token.id, token.role, NULL::bigint, NULL::timestamptz;
        RETURN;
    END IF;
    UPDATE salesops_meta.api_tokens t SET last_used_at = pg_catalog.now()
    WHERE t.org_id = token.org_id AND t.id = token.id
      AND (t.last_used_at IS NULL OR t.last_used_at < pg_catalog.now() - interval '1 minute');
    PERFORM pg_catalog.set_config('statement_timeout', p_statement_timeout, true),
            pg_catalog.set_config('salesops.org_id', token.org_id::text, true),
            pg_catalog.set_config('transaction_read_only', 'on', true);
    RETURN QUERY
    SELECT 'valid'::text, token.org_id, token.id, token.role, v.version, v.changed_at
    FROM (SELECT 1) one LEFT JOIN salesops_meta.read_versions v ON v.org_id = token.org_id;
    PERFORM pg_catalog.set_config('role', 'salesops_app', true);
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.open_read_request(text, text, text) FROM PUBLIC;
