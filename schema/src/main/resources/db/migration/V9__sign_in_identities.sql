-- "Continue with Google / GitHub": an account's identities at the sign-in providers.
--
-- (provider, subject) is the provider's stable id for the person (Google's `sub`, GitHub's numeric
-- user id), never the email, which can change at the provider. The two unique constraints make a
-- double callback idempotent: however many callbacks race for the same identity, one row wins and
-- the others see 23505 and sign in to the account that row names. An account has at most one
-- identity per provider. The email is the verified address the provider reported when the
-- identity was linked (for the data export and support), not a login name.
CREATE TABLE user_identities (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   text NOT NULL CHECK (provider IN ('google', 'github')),
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_identities_provider_subject_key UNIQUE (provider, subject),
    CONSTRAINT user_identities_user_provider_key UNIQUE (user_id, provider)
);

-- Sign-in resolves identities before any user is known: the service role only, like sign-up.
-- Users may read their own (the data export lists them); they never write them.
ALTER TABLE user_identities ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_identities TO app_service;
CREATE POLICY service_all ON user_identities TO app_service USING (true) WITH CHECK (true);
GRANT SELECT ON user_identities TO app_user;
CREATE POLICY identity_own ON user_identities FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
