-- Row-level security: defence in depth behind the application's own checks.
--
-- Roles are cluster-global, so they are created idempotently (another database on the same
-- server, e.g. a test template, may have created them already, possibly concurrently).
-- They are NOLOGIN: the application logs in as the owner/login user and switches per
-- transaction with set_config('role', ..., true), which resets at COMMIT/ROLLBACK.
--
--   app_user    user-facing REST paths. Runs with app.user_id set; sees only its own rows.
--   app_service workers, webhooks, credit spending, signup, seeding. Sees everything.
--   owner       migrations only (RLS is ENABLEd, not FORCEd, so the owner bypasses it).
DO $$
BEGIN
    BEGIN
        CREATE ROLE app_user NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE app_service NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END $$;

-- Lets a non-superuser owner SET ROLE to either (a no-op notice for a superuser or a repeat).
GRANT app_user, app_service TO CURRENT_USER;

GRANT USAGE ON SCHEMA public TO app_user, app_service;

-- ---------------------------------------------------------------------------------------------
-- app_service: full access to every table, policies that admit every row.
-- ---------------------------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_service;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO app_service;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'profiles', 'problems', 'test_cases', 'problem_solutions', 'sessions',
                             'transcripts', 'code_snapshots', 'evaluations', 'credit_transactions', 'payments',
                             'subscriptions', 'stripe_events', 'events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY service_all ON %I TO app_service USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------
-- app_user: read-mostly, own rows only. What each user-facing REST path needs:
--   GET  /users/profile, data-export   SELECT own users (no password_hash), profile, sessions and
--                                      their transcripts/snapshots/evaluations, ledger, payments,
--                                      subscription, events
--   PATCH /users/profile               UPDATE of the profile's self-service columns only: never
--                                      credits, subscription_tier or stripe_customer_id
--   DELETE /users/data                 DELETE own users row; everything else follows by cascade
--   GET /problems                      SELECT problems; example, non-hidden test cases only;
--                                      no access at all to problem_solutions
--   POST /sessions/{id}/code|execute   INSERT code_snapshots of own sessions
--   POST /sessions/{id}/end            UPDATE status/end columns of own sessions that are still live
--   analytics events                   INSERT own events
-- Session start inserts the session and spends a credit as app_service (one transaction);
-- app_user gets no write access to the ledger, payments or subscriptions.
-- The user id is read with (select ...) so the planner evaluates it once per query (initPlan).
-- An unset or empty app.user_id yields NULL, which matches no row.
-- ---------------------------------------------------------------------------------------------

GRANT SELECT (id, email, created_at) ON users TO app_user;
GRANT DELETE ON users TO app_user;
CREATE POLICY user_own ON users FOR SELECT TO app_user
    USING (id = (select nullif(current_setting('app.user_id', true), '')::uuid));
CREATE POLICY user_delete_own ON users FOR DELETE TO app_user
    USING (id = (select nullif(current_setting('app.user_id', true), '')::uuid));

GRANT SELECT ON profiles TO app_user;
GRANT UPDATE (display_name, experience_level, target_companies, onboarding_completed,
              terms_accepted_at, terms_version, updated_at) ON profiles TO app_user;
CREATE POLICY profile_own_select ON profiles FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
CREATE POLICY profile_own_update ON profiles FOR UPDATE TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
    WITH CHECK (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

GRANT SELECT ON problems TO app_user;
CREATE POLICY problems_read_all ON problems FOR SELECT TO app_user USING (true);

GRANT SELECT ON test_cases TO app_user;
CREATE POLICY test_cases_examples_only ON test_cases FOR SELECT TO app_user
    USING (is_example AND NOT is_hidden);

-- problem_solutions: no grant and no policy for app_user.

GRANT SELECT ON sessions TO app_user;
GRANT INSERT (user_id, problem_id, language, provider) ON sessions TO app_user;
GRANT UPDATE (status, ended_at, end_reason, duration_seconds, updated_at) ON sessions TO app_user;
CREATE POLICY session_own_select ON sessions FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
CREATE POLICY session_own_insert ON sessions FOR INSERT TO app_user
    WITH CHECK (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
-- a finished session is immutable for its user
CREATE POLICY session_own_update ON sessions FOR UPDATE TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)
           AND status IN ('scheduled', 'active'))
    WITH CHECK (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

GRANT SELECT ON transcripts TO app_user;
CREATE POLICY transcript_own ON transcripts FOR SELECT TO app_user
    USING (session_id IN (SELECT s.id FROM sessions s
                          WHERE s.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)));

GRANT SELECT ON code_snapshots TO app_user;
GRANT INSERT (session_id, code, language, snapshot_type, execution_result, client_timestamp_ms)
    ON code_snapshots TO app_user;
CREATE POLICY snapshot_own_select ON code_snapshots FOR SELECT TO app_user
    USING (session_id IN (SELECT s.id FROM sessions s
                          WHERE s.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)));
CREATE POLICY snapshot_own_insert ON code_snapshots FOR INSERT TO app_user
    WITH CHECK (session_id IN (SELECT s.id FROM sessions s
                               WHERE s.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)));

GRANT SELECT ON evaluations TO app_user;
CREATE POLICY evaluation_own ON evaluations FOR SELECT TO app_user
    USING (session_id IN (SELECT s.id FROM sessions s
                          WHERE s.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)));

GRANT SELECT ON credit_transactions TO app_user;
CREATE POLICY ledger_own ON credit_transactions FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

GRANT SELECT ON payments TO app_user;
CREATE POLICY payment_own ON payments FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

GRANT SELECT ON subscriptions TO app_user;
CREATE POLICY subscription_own ON subscriptions FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));

-- stripe_events: service only.

GRANT SELECT ON events TO app_user;
GRANT INSERT (request_id, user_id, session_id, group_id, kind, tracked_skill_id_hash, payload) ON events TO app_user;
GRANT USAGE ON SEQUENCE events_id_seq TO app_user;
CREATE POLICY event_own_select ON events FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
CREATE POLICY event_own_insert ON events FOR INSERT TO app_user
    WITH CHECK (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)
                AND (session_id IS NULL
                     OR session_id IN (SELECT s.id FROM sessions s
                                       WHERE s.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));
