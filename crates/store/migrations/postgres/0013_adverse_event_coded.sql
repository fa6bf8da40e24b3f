-- Adverse events are coded against CTCAE v5.0: `term` holds the term as CTCAE prints it (SDTM
-- AEDECOD), `meddra_code` its MedDRA lowest level term code, and `verbatim` what the reporter
-- wrote, when it says more than the term (AETERM; required for the "Other, specify" terms).
ALTER TABLE adverse_event ADD COLUMN meddra_code BIGINT;
ALTER TABLE adverse_event ADD COLUMN verbatim TEXT;
