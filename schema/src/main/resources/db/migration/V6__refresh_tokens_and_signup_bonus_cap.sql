-- Refresh tokens of the built-in issuer (the ir_refresh cookie). Only the SHA-256 of the opaque
-- token is stored. Tokens of one login form a family: each refresh marks the presented token used
-- and adds its successor; presenting a used token again (after a short grace) revokes the family.
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id  uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_expires_idx ON refresh_tokens (user_id, expires_at);

-- Service role only: sign-in precedes any user identity; app_user has no grant at all.
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY service_all ON refresh_tokens TO app_service USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens TO app_service;

-- The sign-up bonus can be withheld by the transaction that inserts the user
-- (set_config('app.signup_bonus', 'none', true)): the edge does so past the daily cap of
-- free-credit sign-ups per IP. Setting it only ever withholds one's own bonus.
CREATE OR REPLACE FUNCTION create_profile_for_new_user() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO profiles (user_id) VALUES (NEW.id) ON CONFLICT (user_id) DO NOTHING;
    IF FOUND AND coalesce(current_setting('app.signup_bonus', true), '') <> 'none' THEN
        -- credits start at 0; this row brings them to 3 via the ledger trigger
        INSERT INTO credit_transactions (user_id, delta, reason, idempotency_key)
        VALUES (NEW.id, 3, 'signup_bonus', 'signup_bonus:' || NEW.id)
        ON CONFLICT (idempotency_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
