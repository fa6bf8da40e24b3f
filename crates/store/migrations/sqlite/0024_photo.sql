-- Lesion photographs (issue 19; projection of their events): one CLASI area at a visit. The
-- file is kept outside the database under its SHA-256 (store::photo_files); this row, and so
-- the audit chain, carries the hash, which `audit verify` checks the file against.
CREATE TABLE photo (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL,
    removed     BOOLEAN NOT NULL,
    last_seq    INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id  INTEGER NOT NULL REFERENCES subject (id),
    visit_id    INTEGER NOT NULL REFERENCES visit (id),
    area        TEXT NOT NULL,
    taken_on    TEXT NOT NULL,
    caption     TEXT,
    sha256      TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    byte_size   INTEGER NOT NULL
);
CREATE INDEX photo_subject ON photo (subject_id);
CREATE INDEX photo_visit ON photo (visit_id);

-- A central reader's blinded score of one photograph's CLASI area (store::central_reading).
CREATE TABLE central_reading (
    id               INTEGER PRIMARY KEY,
    version          INTEGER NOT NULL,
    removed          BOOLEAN NOT NULL,
    last_seq         INTEGER NOT NULL REFERENCES audit_event (seq),
    photo_id         INTEGER NOT NULL REFERENCES photo (id),
    subject_id       INTEGER NOT NULL REFERENCES subject (id),
    reader_id        INTEGER NOT NULL REFERENCES app_user (id),
    erythema         INTEGER NOT NULL,
    scale            INTEGER NOT NULL,
    dyspigmentation  INTEGER NOT NULL,
    scarring         INTEGER,
    activity         INTEGER NOT NULL,
    damage           INTEGER NOT NULL
);
CREATE INDEX central_reading_photo ON central_reading (photo_id);
CREATE INDEX central_reading_reader ON central_reading (reader_id);
