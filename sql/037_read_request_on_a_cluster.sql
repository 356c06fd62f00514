-- The API's read requests on a Citus cluster too (README "When one machine is not enough").
--
-- open_read_request (sql/030) entered the token's org with set_config and switched to the
-- application role. On a cluster neither reaches the workers: Citus passes on SET LOCAL
-- commands (citus.propagate_set_commands = local), not set_config, and it opens the workers'
-- sessions as the current role, which for the login-less application role fails. So the org
-- is now entered with SET LOCAL (the same on one node), and on a cluster the request keeps the
-- server's own login, which the workers' policies recognize as a product session.
CREATE OR REPLACE FUNCTION salesops_meta.open_read_request(p_lookup_key text, p_secret_sha256 text, p_statement_timeout text)
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
            pg_catalog.set_config('transaction_read_only', 'on', true);
    -- The org id is a bigint from the token's row, printed by format().
    EXECUTE pg_catalog.format('SET LOCAL salesops.org_id = %s', token.org_id);
    RETURN QUERY
    SELECT 'valid'::text, token.org_id, token.id, token.role, v.version, v.changed_at
    FROM (SELECT 1) one LEFT JOIN salesops_meta.read_versions v ON v.org_id = token.org_id;
    IF pg_catalog.current_setting('salesops.distributed', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_catalog.set_config('role', 'salesops_app', true);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION salesops_meta.open_read_request(text, text, text) FROM PUBLIC;
