-- A subject of a study whose design waives consent (a retrospective chart review) is marked
-- `consent = 'waived'` when registered; earlier subjects are NULL (consent required).
ALTER TABLE subject ADD COLUMN consent TEXT;
