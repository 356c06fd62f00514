-- A deal's stage_kind follows its stage's kind without ON UPDATE CASCADE.
--
-- On a Citus cluster a foreign key that includes the distribution column (org_id) cannot
-- cascade updates. So the key is checked at commit instead (DEFERRABLE INITIALLY DEFERRED),
-- and whatever changes a stage's kind moves its deals' stage_kind in the same transaction
-- (`stage update`, the stages import): the closed_at rule is still checked on every deal
-- that moves, at once. (Two separate statements: Citus does not route a statement that
-- changes one distributed table inside a CTE of a statement changing another.)
ALTER TABLE salesops.deals DROP CONSTRAINT deals_stage_fkey;
ALTER TABLE salesops.deals ADD CONSTRAINT deals_stage_fkey FOREIGN KEY (org_id, pipeline_id, stage_id, stage_kind)
    REFERENCES salesops.stages (org_id, pipeline_id, id, kind) DEFERRABLE INITIALLY DEFERRED;
