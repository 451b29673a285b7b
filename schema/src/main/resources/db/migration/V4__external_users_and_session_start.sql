-- Users of an external issuer (Clerk, Supabase, ...) are provisioned from their token, and
-- Clerk's default session token carries no email claim. Built-in accounts (the ones with a
-- password) still need one; lower(email) stays unique, and NULLs never clash.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_password_needs_email CHECK (password_hash IS NULL OR email IS NOT NULL);

-- Least privilege: session start inserts the session and spends a credit in one transaction
-- as app_service, so app_user never inserts sessions (a table-level REVOKE also drops the
-- column grants V3 gave).
REVOKE INSERT ON sessions FROM app_user;
DROP POLICY session_own_insert ON sessions;
