-- The SHA-256 of each user's password hash (PHC string), audited with the user record.
ALTER TABLE app_user ADD COLUMN credential_sha256 TEXT;
