-- Heartbeats renew a night's lease in a row of their own.
--
-- A night's facts and its 'succeeded' mark commit in one REPEATABLE READ transaction (one
-- snapshot for the whole materialization). If heartbeats kept updating the night's
-- scheduler_runs row meanwhile, the mark — an update of that same row — would fail with a
-- serialization failure whenever a heartbeat had committed during the run. So the claim
-- writes the first lease into scheduler_runs and heartbeats extend it here, keyed by the
-- lease token; a lease's expiry is the later of the two (scheduler_lease_expiry).

CREATE TABLE salesops.scheduler_leases (
    org_id           bigint NOT NULL,
    night            date NOT NULL,
    lease_token      uuid NOT NULL,
    heartbeat_at     timestamptz NOT NULL,
    lease_expires_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, night),
    FOREIGN KEY (org_id, night) REFERENCES salesops.scheduler_runs (org_id, night) ON DELETE CASCADE
);

ALTER TABLE salesops.scheduler_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE salesops.scheduler_leases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON salesops.scheduler_leases
    USING (org_id = (SELECT salesops.current_org_id()))
    WITH CHECK (org_id = (SELECT salesops.current_org_id()));
CREATE POLICY scheduler_every_org ON salesops.scheduler_leases TO salesops_scheduler
    USING (salesops.is_service_session()) WITH CHECK (salesops.is_service_session());
GRANT SELECT, INSERT, UPDATE ON salesops.scheduler_leases TO salesops_scheduler;

-- When a run's lease ends: the claim's expiry, or a later one its holder's heartbeats set.
CREATE FUNCTION salesops.scheduler_lease_expiry(run salesops.scheduler_runs) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT GREATEST(run.lease_expires_at,
                    (SELECT l.lease_expires_at FROM salesops.scheduler_leases l
                     WHERE l.org_id = run.org_id AND l.night = run.night AND l.lease_token = run.lease_token))
$$;
