-- Protocol decisions, eligibility results, disposition, deviations, concomitant medications,
-- baseline medical history and nerve conduction studies (projections of their events).

CREATE TABLE protocol_decision (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    decided_on TEXT NOT NULL,
    protocol_version INTEGER NOT NULL,
    action TEXT NOT NULL,
    dose TEXT NOT NULL,
    phase TEXT NOT NULL,
    explanation TEXT NOT NULL,
    followed BOOLEAN,
    not_followed_reason TEXT
);
CREATE INDEX protocol_decision_subject ON protocol_decision (subject_id);

CREATE TABLE eligibility_result (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    evaluated_on TEXT NOT NULL,
    protocol_version INTEGER NOT NULL,
    eligible BOOLEAN,
    result TEXT NOT NULL
);
CREATE INDEX eligibility_result_subject ON eligibility_result (subject_id);

CREATE TABLE disposition (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    status TEXT NOT NULL,
    disposition_date TEXT NOT NULL,
    details TEXT
);
CREATE INDEX disposition_subject ON disposition (subject_id);

CREATE TABLE protocol_deviation (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    occurred_on TEXT NOT NULL,
    category TEXT NOT NULL,
    major BOOLEAN NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX protocol_deviation_subject ON protocol_deviation (subject_id);

CREATE TABLE concomitant_medication (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    medication TEXT NOT NULL,
    dose TEXT,
    indication TEXT,
    start_date TEXT,
    end_date TEXT,
    ongoing BOOLEAN NOT NULL
);
CREATE INDEX concomitant_medication_subject ON concomitant_medication (subject_id);

CREATE TABLE medical_history (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    term TEXT NOT NULL,
    category TEXT NOT NULL,
    onset_date TEXT,
    ongoing BOOLEAN NOT NULL
);
CREATE INDEX medical_history_subject ON medical_history (subject_id);

CREATE TABLE nerve_conduction (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    removed BOOLEAN NOT NULL,
    last_seq INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id INTEGER NOT NULL REFERENCES subject (id),
    visit_id INTEGER REFERENCES visit (id),
    tested_on TEXT NOT NULL,
    nerve TEXT NOT NULL,
    side TEXT NOT NULL,
    amplitude_uv TEXT NOT NULL,
    velocity_m_per_s TEXT,
    abnormal BOOLEAN
);
CREATE INDEX nerve_conduction_subject ON nerve_conduction (subject_id);
