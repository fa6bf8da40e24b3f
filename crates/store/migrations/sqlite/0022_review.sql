-- Source data verification and locking (issue 16; store::verification, store::locks).
-- A verification covers one record, or one field of it (field set, with the value compared),
-- as it stood at record_version; a later change of what it covers clears it, naming the change's
-- event. A lock freezes one record, or (entity NULL) a subject's whole casebook, until unlocked.
CREATE TABLE source_verification (
    id              INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL,
    removed         BOOLEAN NOT NULL,
    last_seq        INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id      INTEGER NOT NULL REFERENCES subject (id),
    entity          TEXT NOT NULL,
    record_id       INTEGER NOT NULL,
    field           TEXT,
    record_version  INTEGER NOT NULL,
    verified_value  TEXT,
    verifier_id     INTEGER NOT NULL REFERENCES app_user (id),
    printed_name    TEXT NOT NULL,
    verified_at     TEXT NOT NULL,
    cleared         BOOLEAN NOT NULL,
    clear_reason    TEXT,
    cleared_by_seq  INTEGER
);
CREATE INDEX source_verification_record ON source_verification (entity, record_id);
CREATE INDEX source_verification_subject ON source_verification (subject_id);
CREATE TABLE record_lock (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL,
    removed       BOOLEAN NOT NULL,
    last_seq      INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id    INTEGER NOT NULL REFERENCES subject (id),
    entity        TEXT,
    record_id     INTEGER,
    locked        BOOLEAN NOT NULL,
    locker_id     INTEGER NOT NULL REFERENCES app_user (id),
    printed_name  TEXT NOT NULL,
    locked_at     TEXT NOT NULL
);
CREATE INDEX record_lock_subject ON record_lock (subject_id);
