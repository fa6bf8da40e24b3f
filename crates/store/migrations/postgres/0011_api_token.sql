-- API tokens for scripts (web API `Authorization: Bearer`). A token is kept by its SHA-256 only,
-- so neither this table nor the audit trail holds a token that could be replayed; revoking one
-- removes the record (projection of its events; store::tokens).
CREATE TABLE api_token (
    id            BIGINT PRIMARY KEY,
    version       BIGINT NOT NULL,
    removed       BOOLEAN NOT NULL,
    last_seq      BIGINT NOT NULL REFERENCES audit_event (seq),
    user_id       BIGINT NOT NULL REFERENCES app_user (id),
    label         TEXT NOT NULL,
    token_sha256  TEXT NOT NULL
);
CREATE UNIQUE INDEX api_token_hash ON api_token (token_sha256);
CREATE INDEX api_token_user ON api_token (user_id);
