-- What forecasts read besides the KPI sources (SPEC §10): a deal's expected close date and
-- the calls reps and managers submit for a period.
--
-- `expected_close_on` is today's value only (there is no history of it), so forecasts as of
-- a past day do not use it; it is kept for the open-pipeline view and the plan's coverage.

ALTER TABLE salesops.deals ADD COLUMN expected_close_on date;

-- One submitted call: a rep's (rep_id set; team_id the team the file named, if any) or a
-- manager's for a team (rep_id empty, team_id set). `period` uses the target period syntax
-- (2026, 2026-Q3, 2026-11, 2026-W47). Calls are never updated in place by their key: a new
-- submission is a new row with its own submitted_at, so a call's history is kept.
CREATE TABLE salesops.forecast_calls (
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    scope_kind   text NOT NULL,
    rep_id       bigint,
    team_id      bigint,
    period       text NOT NULL,
    category     text NOT NULL,
    amount       numeric(18, 2) NOT NULL,
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, rep_id) REFERENCES salesops.reps (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, team_id) REFERENCES salesops.teams (org_id, id) ON DELETE CASCADE,
    CONSTRAINT forecast_calls_scope_valid CHECK (
        (scope_kind = 'rep' AND rep_id IS NOT NULL) OR (scope_kind = 'team' AND rep_id IS NULL AND team_id IS NOT NULL)),
    CONSTRAINT forecast_calls_category_valid CHECK (category IN ('commit', 'best_case')),
    CONSTRAINT forecast_calls_amount_non_negative CHECK (amount >= 0),
    CONSTRAINT forecast_calls_period_present CHECK (length(period) BETWEEN 1 AND 16)
);

-- The import's key: (scope, period, category, submitted_at).
CREATE UNIQUE INDEX forecast_calls_key ON salesops.forecast_calls
    (org_id, scope_kind, (COALESCE(rep_id, team_id)), period, category, submitted_at);

ALTER TABLE salesops.forecast_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.forecast_calls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.forecast_calls
    USING (org_id = (SELECT salesops.current_org_id()))
    WITH CHECK (org_id = (SELECT salesops.current_org_id()));
