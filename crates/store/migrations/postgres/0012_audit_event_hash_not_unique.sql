-- The hash column loses its UNIQUE index. Each hash covers its event's seq (the primary key), so
-- two equal hashes would need a SHA-256 collision: the index could never refuse anything, and
-- `audit verify` recomputes every hash anyway. But its keys are random, so each event dirtied a
-- random page of it (on SQLite ~10x the WAL pages per commit at 460,000 events, growing with the
-- trail). Nothing looks an event up by its hash.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_hash_key;
