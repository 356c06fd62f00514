-- Orgs are the tenants. The table is the tenant registry: every org's row is visible to
-- the application role (to resolve a slug), but it may change only the org whose context
-- is set.

CREATE TABLE salesops.orgs (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                    text NOT NULL,
    name                    text NOT NULL,
    timezone                text NOT NULL DEFAULT 'UTC',
    currency                text NOT NULL DEFAULT 'USD',
    fiscal_year_start_month smallint NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orgs_slug_key UNIQUE (slug),
    CONSTRAINT orgs_slug_format CHECK (slug ~ '^[a-z0-9-]{2,63}$'),
    CONSTRAINT orgs_name_present CHECK (btrim(name) <> ''),
    CONSTRAINT orgs_timezone_valid CHECK (salesops.is_valid_timezone(timezone)),
    CONSTRAINT orgs_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT orgs_fiscal_year_start_month_range CHECK (fiscal_year_start_month BETWEEN 1 AND 12)
);

ALTER TABLE salesops.orgs ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.orgs FORCE ROW LEVEL SECURITY;

CREATE POLICY orgs_visible ON salesops.orgs FOR SELECT USING (true);
CREATE POLICY orgs_register ON salesops.orgs FOR INSERT WITH CHECK (true);
CREATE POLICY orgs_update_own ON salesops.orgs FOR UPDATE
    USING (id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);
CREATE POLICY orgs_delete_own ON salesops.orgs FOR DELETE
    USING (id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);
