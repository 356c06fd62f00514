-- A night is marked succeeded only by its holder, in the transaction that computed it.
--
-- Claims insert nights as 'running'; the holder marks its night 'succeeded' in the same
-- transaction that writes the night's facts (`kpi materialize` records each covered period
-- in kpi.materialized_periods with computed_at = now(), the transaction's start). This
-- trigger refuses anything else: a row inserted in any other state, a success that does not
-- come from 'running' under the same lease token, and a success whose transaction did not
-- materialize the night itself (as of that night). Row-level security already keeps every
-- session but the product's own out of this table; this keeps even those honest.

CREATE FUNCTION salesops.scheduler_runs_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.status <> 'running' THEN
        RAISE EXCEPTION 'night % of org % must start as running (through a claim), not %', NEW.night, NEW.org_id, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'succeeded' THEN
        IF OLD.status <> 'running' OR NEW.lease_token <> OLD.lease_token THEN
            RAISE EXCEPTION 'night % of org % can succeed only from running, under its lease', NEW.night, NEW.org_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM kpi.materialized_periods p
                       WHERE p.org_id = NEW.org_id AND p.period_kind = 'day' AND p.period_start = NEW.night
                         AND p.as_of = NEW.night AND p.computed_at = now()) THEN
            RAISE EXCEPTION 'night % of org % was not materialized in this transaction', NEW.night, NEW.org_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- After the row (so row-level security, checked before, refuses other orgs' rows first).
CREATE TRIGGER scheduler_runs_guard
    AFTER INSERT OR UPDATE ON salesops.scheduler_runs
    FOR EACH ROW EXECUTE FUNCTION salesops.scheduler_runs_guard();
