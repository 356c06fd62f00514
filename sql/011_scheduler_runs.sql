-- The nightly scheduler's run records: one row per (org, local night).
--
-- A row is the night's lease while it is 'running' (a random lease token, renewed by the
-- holder's heartbeats until lease_expires_at), the night's outcome once it is 'succeeded'
-- (written in the same transaction as the night's KPI facts, by the holder of the current
-- token only) or its last failure while it is 'failed' (claimable again from
-- next_attempt_at). The primary key makes a night's success unique; the trigger below
-- keeps a succeeded night from ever changing again.
--
-- salesops_scheduler is the role the scheduler claims and renews nights as: it sees the org
-- registry and the run records of every org, and no other tenant data. The night's own
-- materialization runs as salesops_app in the org's context, like any tenant work.

DO $$
BEGIN
    CREATE ROLE salesops_scheduler NOLOGIN NOBYPASSRLS;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- roles are cluster-wide: another database of this cluster created it
END
$$;

GRANT salesops_scheduler TO CURRENT_USER;
GRANT USAGE ON SCHEMA salesops TO salesops_scheduler;
GRANT SELECT ON salesops.orgs TO salesops_scheduler;

-- The calendar of scheduled nights, in one place for claims, wake-ups and status. An org's
-- first night is the local day before its creation; night d is due when the org's local
-- clock reads run_at on d + 1 (a time in a spring-forward gap is read as the instant after
-- it, an ambiguous one as standard time, as PostgreSQL reads `timestamp AT TIME ZONE`).
CREATE FUNCTION salesops.scheduler_first_night(created_at timestamptz, timezone text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (created_at AT TIME ZONE timezone)::date - 1
$$;

CREATE FUNCTION salesops.scheduler_night_due_at(night date, run_at time, timezone text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ((night + 1) + run_at) AT TIME ZONE timezone
$$;

CREATE TABLE salesops.scheduler_runs (
    org_id            bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    night             date NOT NULL,
    status            text NOT NULL,
    attempts          integer NOT NULL DEFAULT 1,
    worker            text NOT NULL,
    lease_token       uuid NOT NULL,
    started_at        timestamptz NOT NULL,
    heartbeat_at      timestamptz NOT NULL,
    lease_expires_at  timestamptz NOT NULL,
    finished_at       timestamptz,
    next_attempt_at   timestamptz,
    rows_written      bigint,
    error             text,
    CONSTRAINT scheduler_runs_pkey PRIMARY KEY (org_id, night),
    CONSTRAINT scheduler_runs_status_known CHECK (status IN ('running', 'succeeded', 'failed')),
    CONSTRAINT scheduler_runs_attempts_positive CHECK (attempts >= 1),
    CONSTRAINT scheduler_runs_finished_iff_not_running CHECK ((status = 'running') = (finished_at IS NULL)),
    CONSTRAINT scheduler_runs_success_counts_rows CHECK (status <> 'succeeded' OR rows_written IS NOT NULL),
    CONSTRAINT scheduler_runs_failure_explained CHECK (status <> 'failed' OR (error IS NOT NULL AND next_attempt_at IS NOT NULL))
);

CREATE INDEX scheduler_runs_recent ON salesops.scheduler_runs (org_id, started_at DESC);

GRANT SELECT, INSERT, UPDATE ON salesops.scheduler_runs TO salesops_scheduler;

-- A succeeded night is final.
CREATE FUNCTION salesops.scheduler_runs_keep_success() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'night % of org % already succeeded', OLD.night, OLD.org_id
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER scheduler_runs_keep_success
    BEFORE UPDATE ON salesops.scheduler_runs
    FOR EACH ROW WHEN (OLD.status = 'succeeded')
    EXECUTE FUNCTION salesops.scheduler_runs_keep_success();

ALTER TABLE salesops.scheduler_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.scheduler_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.scheduler_runs
    USING (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint)
    WITH CHECK (org_id = NULLIF(current_setting('salesops.org_id', true), '')::bigint);
CREATE POLICY scheduler_every_org ON salesops.scheduler_runs TO salesops_scheduler
    USING (true) WITH CHECK (true);
