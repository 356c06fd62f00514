-- The open pipeline snapshot reads the deals open at some day of the window: those closed
-- after its first day (deals_closed_idx) and those still open, found through this index
-- instead of a scan of every deal ever created.

CREATE INDEX deals_open_idx ON salesops.deals (org_id, created_at) WHERE closed_at IS NULL;
