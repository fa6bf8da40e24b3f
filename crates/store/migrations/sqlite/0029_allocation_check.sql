-- The study's allocation secret, named by its check (protocol::allocation::Secret::check, an
-- HMAC of the secret that does not reveal it): registered once, before anyone is randomised, so
-- the list is fixed before enrolment and every later use of a secret file (emergency unblinding,
-- arms, exports by arm) can refuse another secret instead of computing wrong arms.
CREATE TABLE allocation_check (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL,
    removed       BOOLEAN NOT NULL,
    last_seq      INTEGER NOT NULL REFERENCES audit_event (seq),
    secret_check  TEXT NOT NULL,
    registered_on TEXT NOT NULL
);
