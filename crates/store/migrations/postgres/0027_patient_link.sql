-- A one-time link by which a patient answers one questionnaire of one scheduled visit without
-- logging in (projection of its events; store::patient_links). The link's secret is kept by its
-- SHA-256 only, so neither this table nor the audit trail holds a link that could be opened;
-- the window is the visit's window in the protocol's schedule as the record stands when the link
-- is opened (a corrected visit date moves it), so it is not kept here; revoking removes the record.
CREATE TABLE patient_link (
    id                 BIGINT PRIMARY KEY,
    version            BIGINT NOT NULL,
    removed            BOOLEAN NOT NULL,
    last_seq           BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id         BIGINT NOT NULL REFERENCES subject (id),
    visit_id           BIGINT NOT NULL REFERENCES visit (id),
    instrument         TEXT NOT NULL,
    token_sha256       TEXT NOT NULL,
    used_on            TEXT,
    questionnaire_id   BIGINT REFERENCES questionnaire (id)
);
CREATE UNIQUE INDEX patient_link_hash ON patient_link (token_sha256);
CREATE INDEX patient_link_visit ON patient_link (visit_id);
