-- Web sessions and login failures. Neither is part of the record: they are not audited, and
-- rows come and go. A session is kept under the SHA-256 of its token, so the database never
-- holds a token that could be replayed. Times are Unix seconds.
CREATE TABLE web_session (
    token_sha256 TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id);

-- Consecutive failed logins per login name as typed (known or not, so a lock reveals nothing
-- about which accounts exist).
CREATE TABLE login_failure (
    login        TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER
);
