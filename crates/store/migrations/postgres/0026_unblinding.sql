-- Emergency unblindings (projection of their events): which randomised subject, when and why; the
-- investigator is the event's actor. No arm: the trail records the act, not what it showed.
CREATE TABLE unblinding (
    id           BIGINT PRIMARY KEY,
    version      BIGINT NOT NULL,
    removed      BOOLEAN NOT NULL,
    last_seq     BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id   BIGINT NOT NULL REFERENCES subject (id),
    unblinded_on TEXT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX unblinding_subject ON unblinding (subject_id);
