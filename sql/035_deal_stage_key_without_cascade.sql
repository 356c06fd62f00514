-- A deal's stage_kind follows its stage's kind without ON UPDATE CASCADE.
--
-- On a Citus cluster a foreign key that includes the distribution column (org_id) cannot
-- cascade updates. So the key is a plain one (checked at the end of each statement), and
-- the statements that change a stage's kind move its deals' stage_kind in the same
-- statement (`stage update`, the stages import): the closed_at rule is still checked on
-- every deal that moves.
ALTER TABLE salesops.deals DROP CONSTRAINT deals_stage_fkey;
ALTER TABLE salesops.deals ADD CONSTRAINT deals_stage_fkey FOREIGN KEY (org_id, pipeline_id, stage_id, stage_kind)
    REFERENCES salesops.stages (org_id, pipeline_id, id, kind);
