-- Accounts (issue 15, item 10): a password an administrator reset must be changed at the next
-- login, and an API token works until its expiry date (UTC; none on tokens issued before).
ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN;
ALTER TABLE api_token ADD COLUMN expires_on TEXT;
