-- Events the protocol's rules read (projection of their events): pregnancy, withdrawal of
-- consent, the physician's decision to stop, a life-threatening complication, a change of
-- concomitant medication; each with its date and a note.
CREATE TABLE protocol_event (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL,
    removed     BOOLEAN NOT NULL,
    last_seq    INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id  INTEGER NOT NULL REFERENCES subject (id),
    occurred_on TEXT NOT NULL,
    event       TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX protocol_event_subject ON protocol_event (subject_id);
