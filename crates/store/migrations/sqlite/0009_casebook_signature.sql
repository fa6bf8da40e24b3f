-- Casebook signatures (21 CFR 11.50/11.70): a signature with no visit signs the subject's whole
-- casebook. `voided_by_seq` is the audit event of the change that voided a signature.
-- SQLite cannot drop a NOT NULL constraint, so the table is rebuilt; nothing references it.
CREATE TABLE signature_new (
    id             INTEGER PRIMARY KEY,
    version        INTEGER NOT NULL,
    removed        BOOLEAN NOT NULL,
    last_seq       INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id     INTEGER NOT NULL REFERENCES subject (id),
    visit_id       INTEGER REFERENCES visit (id),
    signer_id      INTEGER NOT NULL REFERENCES app_user (id),
    printed_name   TEXT    NOT NULL,
    meaning        TEXT    NOT NULL,
    signed_at      TEXT    NOT NULL,
    content_sha256 TEXT    NOT NULL,
    voided         BOOLEAN NOT NULL,
    void_reason    TEXT,
    voided_by_seq  INTEGER REFERENCES audit_event (seq)
);
INSERT INTO signature_new (id, version, removed, last_seq, subject_id, visit_id, signer_id,
    printed_name, meaning, signed_at, content_sha256, voided, void_reason)
SELECT id, version, removed, last_seq, subject_id, visit_id, signer_id,
    printed_name, meaning, signed_at, content_sha256, voided, void_reason
FROM signature;
DROP TABLE signature;
ALTER TABLE signature_new RENAME TO signature;
CREATE INDEX signature_visit ON signature (visit_id);
CREATE INDEX signature_subject ON signature (subject_id);
