-- Dashboard sessions (SPEC §9, Dashboard): a manager logs in with an API token and gets a
-- session cookie. Only the SHA-256 (hex) of the cookie's secret is stored; a session lives
-- as long as its expiry, its token and its own revocation (logout) allow. Like tokens,
-- rows live in the product's bookkeeping schema: only product sessions (the server, before
-- it knows the org) reach them.

CREATE TABLE salesops_meta.dashboard_sessions (
    org_id         bigint NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    token_id       bigint NOT NULL,
    secret_sha256  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz,
    PRIMARY KEY (org_id, id),
    CONSTRAINT dashboard_sessions_token_fkey FOREIGN KEY (org_id, token_id)
        REFERENCES salesops_meta.api_tokens (org_id, id) ON DELETE CASCADE,
    CONSTRAINT dashboard_sessions_secret_unique UNIQUE (secret_sha256),
    CONSTRAINT dashboard_sessions_hash_format CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT dashboard_sessions_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX dashboard_sessions_expiry ON salesops_meta.dashboard_sessions (expires_at);

ALTER TABLE salesops_meta.dashboard_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops_meta.dashboard_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY product_sessions_only ON salesops_meta.dashboard_sessions
    USING (salesops.is_service_session()) WITH CHECK (salesops.is_service_session());
GRANT SELECT, INSERT, DELETE, UPDATE (last_seen_at, ended_at) ON salesops_meta.dashboard_sessions TO salesops_app;
