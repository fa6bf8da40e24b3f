-- Each randomised subject's randomisation (projection of its events): the randomisation number,
-- the factor levels (JSON pairs in the protocol's factor order), the stratum and the place in it.
-- No arm: the arm is recomputed from these with the allocation secret, which the record never holds.
CREATE TABLE randomisation (
    id               BIGINT PRIMARY KEY,
    version          BIGINT NOT NULL,
    removed          BOOLEAN NOT NULL,
    last_seq         BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id       BIGINT NOT NULL REFERENCES subject (id),
    number           BIGINT NOT NULL,
    levels           TEXT NOT NULL,
    stratum          TEXT NOT NULL,
    place            BIGINT NOT NULL,
    randomised_on    TEXT NOT NULL,
    protocol_version BIGINT NOT NULL
);
-- One number per subject and one subject per number, whichever writer comes first.
CREATE UNIQUE INDEX randomisation_number ON randomisation (number);
CREATE UNIQUE INDEX randomisation_subject ON randomisation (subject_id);
CREATE UNIQUE INDEX randomisation_place ON randomisation (stratum, place);
