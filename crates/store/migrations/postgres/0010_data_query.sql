-- Data queries: a question on one field of one subject record, its answer and its status
-- (projection of its events; store::queries).
CREATE TABLE data_query (
    id         BIGINT PRIMARY KEY,
    version    BIGINT NOT NULL,
    removed    BOOLEAN NOT NULL,
    last_seq   BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id BIGINT NOT NULL REFERENCES subject (id),
    entity     TEXT NOT NULL,
    record_id  BIGINT NOT NULL,
    field      TEXT NOT NULL,
    question   TEXT NOT NULL,
    answer     TEXT,
    status     TEXT NOT NULL
);
CREATE INDEX data_query_subject ON data_query (subject_id);
CREATE INDEX data_query_status ON data_query (status);
