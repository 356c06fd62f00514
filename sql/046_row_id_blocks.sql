-- Ids for the rows an import inserts, handed out in blocks before its write, so the write
-- computes each row's id itself and runs whole on the org's node.
--
-- An `INSERT … SELECT` that leaves a row's id to its identity column calls `nextval` once per
-- row. Citus evaluates `nextval` on the coordinator only, so it plans such a write "via the
-- coordinator": the org's staged rows travel from its worker to the coordinator and back. An
-- import instead takes enough blocks of this sequence for its file's lines (one call) and
-- gives the row staged from line L the id  blocks[(L - 1) / 1024 + 1] * 1024 + (L - 1) % 1024
-- (`ImportRowIDs`): arithmetic on a bound array, which every node can do.
--
-- Block b holds the ids b * 1024 … b * 1024 + 1023. Blocks start at 2^42, so imported ids
-- start at 2^52; the identity sequences that number single-row writes (the CLI, the API, a
-- deal move) count from 1 and would need 4.5 × 10^15 rows to get there. The last block ends
-- below 2^53, so every id stays exact as a JSON number in any client. Ids are unique per
-- table and org as before (the keys are (org_id, id)); a block left unused by a failed or
-- small import is simply skipped.
CREATE SEQUENCE salesops.row_id_blocks AS bigint
    MINVALUE 4398046511104      -- 2^42: the first id is 2^52
    MAXVALUE 8796093022207      -- 2^43 - 1: the last id is 2^53 - 1
    START WITH 4398046511104
    NO CYCLE;

-- Only the product writes rows; a reader has no use for ids (the schema's default privileges
-- already grant the product role its sequences, said here so the grant is visible).
GRANT USAGE ON SEQUENCE salesops.row_id_blocks TO salesops_app;
REVOKE ALL ON SEQUENCE salesops.row_id_blocks FROM PUBLIC;
