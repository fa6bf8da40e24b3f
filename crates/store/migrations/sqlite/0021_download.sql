-- Downloads of the report and the exports from the web application (issue 16): who took what,
-- as which file; the time is the audit event's. Written once, never changed (store::downloads).
CREATE TABLE download (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL,
    removed    BOOLEAN NOT NULL,
    last_seq   INTEGER NOT NULL REFERENCES audit_event (seq),
    user_id    INTEGER NOT NULL REFERENCES app_user (id),
    what       TEXT NOT NULL,
    file_name  TEXT NOT NULL
);
CREATE INDEX download_user ON download (user_id);
