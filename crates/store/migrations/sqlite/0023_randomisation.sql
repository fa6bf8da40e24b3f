-- Each randomised subject's randomisation (projection of its events): the randomisation number,
-- the factor levels (JSON pairs in the protocol's factor order), the stratum and the place in it.
-- No arm: the arm is recomputed from these with the allocation secret, which the record never holds.
CREATE TABLE randomisation (
    id               INTEGER PRIMARY KEY,
    version          INTEGER NOT NULL,
    removed          BOOLEAN NOT NULL,
    last_seq         INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id       INTEGER NOT NULL REFERENCES subject (id),
    number           INTEGER NOT NULL,
    levels           TEXT NOT NULL,
    stratum          TEXT NOT NULL,
    place            INTEGER NOT NULL,
    randomised_on    TEXT NOT NULL,
    protocol_version INTEGER NOT NULL
);
-- One number per subject and one subject per number, whichever writer comes first.
CREATE UNIQUE INDEX randomisation_number ON randomisation (number);
CREATE UNIQUE INDEX randomisation_subject ON randomisation (subject_id);
CREATE UNIQUE INDEX randomisation_place ON randomisation (stratum, place);
