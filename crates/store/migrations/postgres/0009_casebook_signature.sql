-- Casebook signatures (21 CFR 11.50/11.70): a signature with no visit signs the subject's whole
-- casebook. `voided_by_seq` is the audit event of the change that voided a signature.
ALTER TABLE signature ALTER COLUMN visit_id DROP NOT NULL;
ALTER TABLE signature ADD COLUMN voided_by_seq BIGINT REFERENCES audit_event (seq);
CREATE INDEX signature_subject ON signature (subject_id);
