-- Stage changes found by when they happened, so a night reads the window's changes and not
-- every change the org ever recorded.
--
-- The stages family finds the deals that changed stage in the run's window, and a forecast's
-- rebuild (kpi.deal_spells with a `since` instant, sql/042) the deals changed since its reach;
-- with only (org_id, deal_id, changed_at) both scanned all of the org's stage changes, so a
-- night of an org with four years of history read four times the changes of a one-year org.
-- The index costs every stage-change import one more entry per row (benchmarks/import_deals.py
-- --kind stage_changes measures it, against a floor table with the same index).
CREATE INDEX deal_stage_changes_time_idx ON salesops.deal_stage_changes (org_id, changed_at);
