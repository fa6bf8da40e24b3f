-- Password guessing is slowed, not locked out (issue 15, items 1-3; OWASP ASVS 2.2.1). Like
-- web sessions these tables are not part of the record: not audited, rows come and go. Times
-- are Unix seconds.
DROP TABLE login_failure;

-- Failed password attempts per throttle key (a login name as typed, a client address, a trusted
-- device, a signer). An attempt is counted before its password is checked, in one statement that
-- refuses it while the key is delayed; `delay` is what the next failure past the free ones adds.
CREATE TABLE login_throttle (
    throttle_key  TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    blocked_until INTEGER,
    delay         INTEGER NOT NULL,
    last_at       INTEGER NOT NULL
);

-- A browser where a user has logged in: its attempts count on their own key, so a stranger's
-- failures elsewhere never slow the owner. Kept by the SHA-256 of the cookie's token.
CREATE TABLE trusted_device (
    token_sha256 TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id),
    last_used_at INTEGER NOT NULL
);
CREATE INDEX trusted_device_user ON trusted_device (user_id);

-- Failed attempts on an account since its owner last logged in, told to the owner then.
CREATE TABLE failed_login_notice (
    user_id  INTEGER PRIMARY KEY REFERENCES app_user (id),
    failures INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
);

-- What an administrator reviews: repeated password failures (21 CFR 11.300(d)).
CREATE TABLE security_event (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    kind   TEXT    NOT NULL,
    login  TEXT    NOT NULL,
    client TEXT,
    detail TEXT    NOT NULL
);
