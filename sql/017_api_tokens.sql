-- API tokens (SPEC §9). A token is shown once; only its SHA-256 (hex) is stored, found by the
-- token's public lookup key and compared in constant time by the server. Rows live in the
-- product's bookkeeping schema: only product sessions (the operator's `salesctl token`
-- commands, the server authenticating a request before it knows the org) reach them.

CREATE TABLE salesops_meta.api_tokens (
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL,
    role         text NOT NULL,
    lookup_key   text NOT NULL,
    secret_sha256 text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (org_id, id),
    CONSTRAINT api_tokens_lookup_key_unique UNIQUE (lookup_key),
    CONSTRAINT api_tokens_name_present CHECK (btrim(name) <> '' AND length(name) <= 100),
    CONSTRAINT api_tokens_role_known CHECK (role IN ('reader', 'admin')),
    CONSTRAINT api_tokens_hash_format CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);

ALTER TABLE salesops_meta.api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops_meta.api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY product_sessions_only ON salesops_meta.api_tokens
    USING (salesops.is_service_session()) WITH CHECK (salesops.is_service_session());
GRANT SELECT, UPDATE (last_used_at) ON salesops_meta.api_tokens TO salesops_app;
