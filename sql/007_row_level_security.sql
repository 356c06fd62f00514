-- Tenant isolation: row-level security enabled and forced on every tenant table, with one
-- policy each that admits only the rows of the org set for the current transaction
-- (set_config('salesops.org_id', ..., true)). With no org set, nothing is visible.

ALTER TABLE salesops.teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.teams FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.teams
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.reps ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.reps FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.reps
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.pipelines ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.pipelines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.pipelines
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.stages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.stages
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.accounts
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.leads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.leads
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.deals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.deals
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.deal_stage_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.deal_stage_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.deal_stage_changes
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.activities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.activities
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.survey_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.survey_responses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.survey_responses
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.spend ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.spend FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.spend
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);

ALTER TABLE salesops.targets ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.targets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.targets
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);
