-- no-transaction
-- The hash column loses its UNIQUE index. Each hash covers its event's seq (the primary key), so
-- two equal hashes would need a SHA-256 collision: the index could never refuse anything, and
-- `audit verify` recomputes every hash anyway. But its keys are random, so each event dirtied a
-- random page of it: a commit of 64 CLASI saves wrote ~4,500 WAL pages at 460,000 events, ~460
-- without it, and that grows with the trail. Nothing looks an event up by its hash.
--
-- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt (columns, checks, indexes and
-- append-only triggers as in 0001; every row copied as it is). Every projection references
-- audit_event (seq), so foreign keys are off while the old table is dropped and the new one takes
-- its name (SQLite's documented procedure; the pragma has no effect inside a transaction, hence
-- no-transaction and an explicit one). Run again after a crash between COMMIT and the migration
-- being recorded, it rebuilds the same table once more.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE audit_event_new (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    recorded_at TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    site_id     INTEGER,
    subject_id  INTEGER,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'remove')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT    CHECK (action = 'create' OR length(trim(reason)) > 0),
    version     INTEGER NOT NULL CHECK (version >= 1),
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
INSERT INTO audit_event_new (seq, recorded_at, actor, site_id, subject_id, entity, entity_id,
    action, field, old_value, new_value, reason, version, prev_hash, hash)
SELECT seq, recorded_at, actor, site_id, subject_id, entity, entity_id,
    action, field, old_value, new_value, reason, version, prev_hash, hash
FROM audit_event ORDER BY seq;
DROP TABLE audit_event;
ALTER TABLE audit_event_new RENAME TO audit_event;
CREATE INDEX audit_event_subject ON audit_event (subject_id, seq);
CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, seq);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
COMMIT;
PRAGMA foreign_keys = ON;
