-- Profiles and the credit ledger are kept consistent by the database itself, so no code path
-- (REST, worker, webhook, admin SQL) can forget a step.
--
-- Functions are SECURITY DEFINER (owned by the migration owner, which bypasses RLS) with a
-- fixed search_path, so they behave the same whichever role fired the trigger.

-- 1. A profile exists exactly once per user, with the +3 signup bonus in the ledger.
--    users.email is unique, so a duplicate signup fails before this trigger runs; ON CONFLICT
--    keeps a replayed insert (same user id) harmless too.
CREATE FUNCTION create_profile_for_new_user() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO profiles (user_id) VALUES (NEW.id) ON CONFLICT (user_id) DO NOTHING;
    IF FOUND THEN
        -- credits start at 0; this row brings them to 3 via the ledger trigger below
        INSERT INTO credit_transactions (user_id, delta, reason, idempotency_key)
        VALUES (NEW.id, 3, 'signup_bonus', 'signup_bonus:' || NEW.id)
        ON CONFLICT (idempotency_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER users_create_profile
    AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION create_profile_for_new_user();

-- 2. The balance follows from the ledger. The UPDATE takes the profile's row lock, which
--    serializes concurrent spends of one user; CHECK (credits >= 0) turns an overspend into
--    error 23514 that rolls back the ledger row as well. No read-modify-write, no lost update.
CREATE FUNCTION apply_credit_transaction() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE profiles
       SET credits = credits + NEW.delta, updated_at = now()
     WHERE user_id = NEW.user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no profile for user %', NEW.user_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER credit_transactions_apply
    AFTER INSERT ON credit_transactions
    FOR EACH ROW EXECUTE FUNCTION apply_credit_transaction();

-- 3. The ledger is append-only. Corrections are new rows (admin_adjustment / refund).
--    Two changes are let through because foreign keys demand them:
--    - DELETE when the owning user no longer exists (ON DELETE CASCADE from users: account deletion);
--    - UPDATE that only nulls session_id / payment_id whose referenced row is gone (ON DELETE SET NULL).
--    The referential actions run after the parent row is deleted, so the parent lookup sees it gone.
CREATE FUNCTION guard_credit_transactions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF (NEW.id, NEW.user_id, NEW.delta, NEW.reason, NEW.idempotency_key, NEW.created_at)
               IS NOT DISTINCT FROM (OLD.id, OLD.user_id, OLD.delta, OLD.reason, OLD.idempotency_key, OLD.created_at)
           AND (NEW.session_id IS NOT DISTINCT FROM OLD.session_id
                OR (NEW.session_id IS NULL AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id)))
           AND (NEW.payment_id IS NOT DISTINCT FROM OLD.payment_id
                OR (NEW.payment_id IS NULL AND NOT EXISTS (SELECT 1 FROM payments WHERE id = OLD.payment_id)))
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'credit_transactions is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER credit_transactions_append_only
    BEFORE UPDATE OR DELETE ON credit_transactions
    FOR EACH ROW EXECUTE FUNCTION guard_credit_transactions();

CREATE FUNCTION refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER credit_transactions_no_truncate
    BEFORE TRUNCATE ON credit_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
