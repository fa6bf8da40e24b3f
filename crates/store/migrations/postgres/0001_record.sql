-- The audit trail is the record; every other table is a projection of it, written in the same
-- transaction. Columns and canonical values are described in crates/store/src/event.rs.

CREATE TABLE audit_event (
    seq         BIGINT PRIMARY KEY CHECK (seq >= 1),
    recorded_at TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    site_id     BIGINT,
    subject_id  BIGINT,
    entity      TEXT    NOT NULL,
    entity_id   BIGINT NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'remove')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT    CHECK (action = 'create' OR length(trim(reason)) > 0),
    version     BIGINT NOT NULL CHECK (version >= 1),
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_event_subject ON audit_event (subject_id, seq);
CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, seq);

-- Append-only: the application never updates or deletes an event.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

CREATE TABLE study (
    id               BIGINT PRIMARY KEY,
    version          BIGINT NOT NULL,
    removed          BOOLEAN NOT NULL,
    last_seq         BIGINT NOT NULL REFERENCES audit_event (seq),
    code             TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    protocol_version BIGINT NOT NULL,
    protocol_sha256  TEXT    NOT NULL,
    protocol_text    TEXT    NOT NULL
);

CREATE TABLE site (
    id       BIGINT PRIMARY KEY,
    version  BIGINT NOT NULL,
    removed  BOOLEAN NOT NULL,
    last_seq BIGINT NOT NULL REFERENCES audit_event (seq),
    code     TEXT    NOT NULL UNIQUE,
    name     TEXT    NOT NULL
);

CREATE TABLE app_user (
    id           BIGINT PRIMARY KEY,
    version      BIGINT NOT NULL,
    removed      BOOLEAN NOT NULL,
    last_seq     BIGINT NOT NULL REFERENCES audit_event (seq),
    login        TEXT    NOT NULL UNIQUE,
    printed_name TEXT    NOT NULL,
    is_admin     BOOLEAN NOT NULL,
    disabled     BOOLEAN NOT NULL
);

-- Not a projection: password hashes stay out of the audit trail, which records only that a
-- password was set.
CREATE TABLE credential (
    user_id  BIGINT PRIMARY KEY REFERENCES app_user (id),
    phc      TEXT    NOT NULL,
    set_seq  BIGINT NOT NULL REFERENCES audit_event (seq)
);

CREATE TABLE role_grant (
    id       BIGINT PRIMARY KEY,
    version  BIGINT NOT NULL,
    removed  BOOLEAN NOT NULL,
    last_seq BIGINT NOT NULL REFERENCES audit_event (seq),
    user_id  BIGINT NOT NULL REFERENCES app_user (id),
    site_id  BIGINT NOT NULL REFERENCES site (id),
    role     TEXT    NOT NULL
);
CREATE UNIQUE INDEX role_grant_live ON role_grant (user_id, site_id, role) WHERE NOT removed;

CREATE TABLE subject (
    id             BIGINT PRIMARY KEY,
    version        BIGINT NOT NULL,
    removed        BOOLEAN NOT NULL,
    last_seq       BIGINT NOT NULL REFERENCES audit_event (seq),
    site_id        BIGINT NOT NULL REFERENCES site (id),
    code           TEXT    NOT NULL UNIQUE,
    sex            TEXT    NOT NULL,
    birth_date     TEXT,
    age_years      BIGINT,
    subtype        TEXT,
    screening_date TEXT    NOT NULL,
    consent_date   TEXT,
    enrolment_date TEXT
);

CREATE TABLE visit (
    id           BIGINT PRIMARY KEY,
    version      BIGINT NOT NULL,
    removed      BOOLEAN NOT NULL,
    last_seq     BIGINT NOT NULL REFERENCES audit_event (seq),
    subject_id   BIGINT NOT NULL REFERENCES subject (id),
    name         TEXT    NOT NULL,
    planned_date TEXT,
    actual_date  TEXT
);
CREATE INDEX visit_subject ON visit (subject_id);
