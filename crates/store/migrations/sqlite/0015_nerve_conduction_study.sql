-- A nerve conduction study's conclusion (projection of its events): normal, sensory
-- polyneuropathy or another abnormality, with a note; the per-nerve measurements, when entered,
-- are in nerve_conduction.
CREATE TABLE nerve_conduction_study (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL,
    removed     BOOLEAN NOT NULL,
    last_seq    INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id  INTEGER NOT NULL REFERENCES subject (id),
    visit_id    INTEGER REFERENCES visit (id),
    tested_on   TEXT NOT NULL,
    finding     TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX nerve_conduction_study_subject ON nerve_conduction_study (subject_id);
CREATE INDEX nerve_conduction_study_visit ON nerve_conduction_study (visit_id);
