-- Parent changes of one org's teams are serialized, so two concurrent changes cannot each pass
-- the cycle check against a graph without the other (a → b and b → a both committing).
--
-- The check now first locks the org's registry row (FOR NO KEY UPDATE: foreign-key checks of
-- writes into the org's tables take KEY SHARE, which does not conflict, so only parent
-- changes and org updates queue). The lock is held to commit; in READ COMMITTED, the mode all
-- team writes run in, the check's query then takes a snapshot that sees every change
-- committed before the lock was granted. No tenant role can take this lock: locking the row
-- needs UPDATE on salesops.orgs and its own-org policy.
CREATE OR REPLACE FUNCTION salesops.teams_refuse_parent_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM salesops.orgs WHERE id = NEW.org_id FOR NO KEY UPDATE;
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
