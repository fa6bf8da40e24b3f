-- Laboratory results, dose periods and adverse events (projections of their events).
CREATE TABLE lab_result (
    id           BIGINT PRIMARY KEY,
    version      BIGINT NOT NULL,
    removed      BOOLEAN NOT NULL,
    last_seq     BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id   BIGINT NOT NULL REFERENCES subject (id),
    visit_id     BIGINT REFERENCES visit (id),
    collected_on TEXT NOT NULL,
    test         TEXT NOT NULL,
    value        TEXT NOT NULL,
    unit         TEXT NOT NULL,
    lln          TEXT,
    uln          TEXT,
    ctcae_grade  BIGINT
);
CREATE INDEX lab_result_subject ON lab_result (subject_id);
CREATE INDEX lab_result_visit ON lab_result (visit_id);

CREATE TABLE dose_period (
    id            BIGINT PRIMARY KEY,
    version       BIGINT NOT NULL,
    removed       BOOLEAN NOT NULL,
    last_seq      BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id    BIGINT NOT NULL REFERENCES subject (id),
    drug          TEXT NOT NULL,
    daily_dose_mg TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT
);
CREATE INDEX dose_period_subject ON dose_period (subject_id);

CREATE TABLE adverse_event (
    id           BIGINT PRIMARY KEY,
    version      BIGINT NOT NULL,
    removed      BOOLEAN NOT NULL,
    last_seq     BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id   BIGINT NOT NULL REFERENCES subject (id),
    term         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    grade        BIGINT NOT NULL,
    serious      BOOLEAN NOT NULL,
    causality    TEXT NOT NULL,
    action_taken TEXT NOT NULL,
    outcome      TEXT NOT NULL
);
CREATE INDEX adverse_event_subject ON adverse_event (subject_id);
