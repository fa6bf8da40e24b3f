-- A concomitant medication is coded: `drug` the vocabulary's code (SDTM CMDECOD) beside
-- `medication`, the words as written (CMTRT); the dose as amount per administration with its unit
-- (CDISC UNIT), frequency (CDISC FREQ) and route (CDISC ROUTE). The free-text `dose` of earlier
-- records stays in their trail and their row.
ALTER TABLE concomitant_medication ADD COLUMN drug TEXT;
ALTER TABLE concomitant_medication ADD COLUMN amount TEXT;
ALTER TABLE concomitant_medication ADD COLUMN unit TEXT;
ALTER TABLE concomitant_medication ADD COLUMN frequency TEXT;
ALTER TABLE concomitant_medication ADD COLUMN route TEXT;
