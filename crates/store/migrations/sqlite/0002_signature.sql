-- Electronic signatures of visits (projection of `signature` events).
CREATE TABLE signature (
    id             INTEGER PRIMARY KEY,
    version        INTEGER NOT NULL,
    removed        BOOLEAN NOT NULL,
    last_seq       INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id     INTEGER NOT NULL REFERENCES subject (id),
    visit_id       INTEGER NOT NULL REFERENCES visit (id),
    signer_id      INTEGER NOT NULL REFERENCES app_user (id),
    printed_name   TEXT    NOT NULL,
    meaning        TEXT    NOT NULL,
    signed_at      TEXT    NOT NULL,
    content_sha256 TEXT    NOT NULL,
    voided         BOOLEAN NOT NULL,
    void_reason    TEXT
);
CREATE INDEX signature_visit ON signature (visit_id);
