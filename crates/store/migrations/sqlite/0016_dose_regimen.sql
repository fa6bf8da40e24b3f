-- A dose period keeps the regimen as prescribed: the amount per administration (decimal text)
-- with its unit (CDISC UNIT), the frequency (CDISC FREQ submission value) and the protocol dose
-- level it is. The average mg/day of earlier periods stays in their trail and their row; SQLite
-- cannot drop its NOT NULL in place, so the table is rebuilt with the same rows.
CREATE TABLE dose_period_regimen (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL,
    removed       BOOLEAN NOT NULL,
    last_seq      INTEGER NOT NULL REFERENCES audit_event (seq),
    subject_id    INTEGER NOT NULL REFERENCES subject (id),
    drug          TEXT NOT NULL,
    daily_dose_mg TEXT,
    amount        TEXT,
    unit          TEXT,
    frequency     TEXT,
    dose_level    TEXT,
    start_date    TEXT NOT NULL,
    end_date      TEXT
);
INSERT INTO dose_period_regimen
    (id, version, removed, last_seq, subject_id, drug, daily_dose_mg, start_date, end_date)
    SELECT id, version, removed, last_seq, subject_id, drug, daily_dose_mg, start_date, end_date
    FROM dose_period;
DROP TABLE dose_period;
ALTER TABLE dose_period_regimen RENAME TO dose_period;
CREATE INDEX dose_period_subject ON dose_period (subject_id);
