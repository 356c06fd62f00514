-- Every free-text column a tenant supplies has a length limit and a trim rule: at most N
-- characters, no leading or trailing white space, not blank. Imports and the CLI trim
-- values and check the limits first (SalesOps/Domain/TextLimits.swift, the same numbers,
-- compared by a test); these constraints are the last line for any other writer. Before,
-- an external id of 3,000 characters failed inside the unique index ("index row size
-- exceeds"). NOT VALID: rows stored earlier are not re-checked; every new or changed row is.

DO $$
DECLARE
    rule record;
BEGIN
    FOR rule IN
        SELECT * FROM (VALUES
            ('teams', 'external_id', 200), ('teams', 'name', 200),
            ('reps', 'external_id', 200), ('reps', 'name', 200), ('reps', 'email', 320),
            ('pipelines', 'name', 200), ('stages', 'name', 200),
            ('accounts', 'external_id', 200), ('accounts', 'name', 200), ('accounts', 'region', 100), ('accounts', 'source', 100),
            ('leads', 'external_id', 200), ('leads', 'name', 200), ('leads', 'email', 320), ('leads', 'source', 100),
            ('deals', 'external_id', 200), ('deals', 'name', 200), ('deals', 'product', 100),
            ('activities', 'external_id', 200), ('survey_responses', 'external_id', 200),
            ('spend', 'channel', 100)
        ) AS rules (table_name, column_name, maximum_length)
    LOOP
        EXECUTE format(
            'ALTER TABLE salesops.%I ADD CONSTRAINT %I CHECK (length(%I) BETWEEN 1 AND %s AND %I = btrim(%I, E'' \t\r\n'')) NOT VALID',
            rule.table_name, 'text_rule_' || rule.column_name, rule.column_name, rule.maximum_length,
            rule.column_name, rule.column_name);
    END LOOP;
END
$$;
