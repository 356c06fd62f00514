-- Sales structure: teams (nested), reps, pipelines and their stages.

CREATE TABLE salesops.teams (
    org_id      bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    external_id text NOT NULL,
    name        text NOT NULL,
    parent_id   bigint,
    kind        text NOT NULL DEFAULT 'field',
    PRIMARY KEY (org_id, id),
    CONSTRAINT teams_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT teams_parent_fkey FOREIGN KEY (org_id, parent_id) REFERENCES salesops.teams (org_id, id),
    CONSTRAINT teams_not_own_parent CHECK (parent_id IS DISTINCT FROM id),
    CONSTRAINT teams_kind_valid CHECK (kind IN ('field', 'bdr', 'sdr', 'account_management', 'other')),
    CONSTRAINT teams_external_id_present CHECK (btrim(external_id) <> ''),
    CONSTRAINT teams_name_present CHECK (btrim(name) <> '')
);

-- Refuses a parent chain that loops back to the team. An AFTER row trigger sees every row
-- the statement changed before it, so a cycle made by one set-based upsert is caught too.
CREATE FUNCTION salesops.teams_refuse_parent_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (
        WITH RECURSIVE chain (id, depth) AS (
            SELECT NEW.parent_id, 1
            UNION ALL
            SELECT t.parent_id, chain.depth + 1
            FROM chain
            JOIN salesops.teams t ON t.org_id = NEW.org_id AND t.id = chain.id
            WHERE t.parent_id IS NOT NULL AND chain.id <> NEW.id AND chain.depth < 10000
        )
        SELECT 1 FROM chain WHERE chain.id = NEW.id
    ) THEN
        RAISE EXCEPTION 'team % would become its own ancestor', NEW.external_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'teams_no_parent_cycle',
                  TABLE = 'teams', SCHEMA = 'salesops';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER teams_no_parent_cycle
    AFTER INSERT OR UPDATE OF parent_id ON salesops.teams
    FOR EACH ROW EXECUTE FUNCTION salesops.teams_refuse_parent_cycle();

CREATE TABLE salesops.reps (
    org_id      bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    external_id text NOT NULL,
    name        text NOT NULL,
    email       text NOT NULL,
    team_id     bigint,
    role        text NOT NULL DEFAULT 'ae',
    hired_on    date NOT NULL,
    left_on     date,
    PRIMARY KEY (org_id, id),
    CONSTRAINT reps_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT reps_team_fkey FOREIGN KEY (org_id, team_id) REFERENCES salesops.teams (org_id, id),
    CONSTRAINT reps_role_valid CHECK (role IN ('ae', 'bdr', 'sdr', 'am', 'manager')),
    CONSTRAINT reps_left_after_hired CHECK (left_on >= hired_on),
    CONSTRAINT reps_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    CONSTRAINT reps_external_id_present CHECK (btrim(external_id) <> ''),
    CONSTRAINT reps_name_present CHECK (btrim(name) <> '')
);
CREATE UNIQUE INDEX reps_email_key ON salesops.reps (org_id, lower(email));
CREATE INDEX reps_team_idx ON salesops.reps (org_id, team_id);

CREATE TABLE salesops.pipelines (
    org_id bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id     bigint GENERATED ALWAYS AS IDENTITY,
    name   text NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT pipelines_name_key UNIQUE (org_id, name),
    CONSTRAINT pipelines_name_present CHECK (btrim(name) <> '')
);

CREATE TABLE salesops.stages (
    org_id      bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    pipeline_id bigint NOT NULL,
    name        text NOT NULL,
    position    integer NOT NULL,
    kind        text NOT NULL,
    probability numeric(5, 2) NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT stages_pipeline_fkey FOREIGN KEY (org_id, pipeline_id)
        REFERENCES salesops.pipelines (org_id, id) ON DELETE CASCADE,
    CONSTRAINT stages_name_key UNIQUE (org_id, pipeline_id, name),
    -- Deferrable so a set of stages can swap positions in one statement.
    CONSTRAINT stages_position_key UNIQUE (org_id, pipeline_id, position) DEFERRABLE INITIALLY DEFERRED,
    -- Targets of the composite foreign keys that keep deals and stage changes inside the
    -- deal's pipeline and keep a deal's stage kind in step with its stage.
    CONSTRAINT stages_pipeline_id_key UNIQUE (org_id, pipeline_id, id),
    CONSTRAINT stages_pipeline_id_kind_key UNIQUE (org_id, pipeline_id, id, kind),
    CONSTRAINT stages_kind_valid CHECK (kind IN ('open', 'won', 'lost')),
    CONSTRAINT stages_probability_range CHECK (probability BETWEEN 0 AND 100),
    CONSTRAINT stages_name_present CHECK (btrim(name) <> '')
);
