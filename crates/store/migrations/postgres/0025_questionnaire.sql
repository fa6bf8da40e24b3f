-- An outcome instrument completed at a visit (projection of its events): DLQI, Skindex-29+3,
-- worst itch or pain NRS, CLA-IGA-R or PGA-skin, its answers as canonical JSON ("item id ->
-- answer code"; an item absent was not answered). Scores are computed when read, never stored.
CREATE TABLE questionnaire (
    id                 BIGINT PRIMARY KEY,
    version            BIGINT NOT NULL,
    removed            BOOLEAN NOT NULL,
    last_seq           BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id         BIGINT NOT NULL REFERENCES subject (id),
    visit_id           BIGINT NOT NULL REFERENCES visit (id),
    instrument         TEXT NOT NULL,
    completed_on       TEXT NOT NULL,
    source             TEXT NOT NULL,
    answers            TEXT NOT NULL,
    unanswered_reason  TEXT
);
CREATE INDEX questionnaire_subject ON questionnaire (subject_id);
CREATE INDEX questionnaire_visit ON questionnaire (visit_id);
