-- The operator console (docs/database.md, "Operator console").
--
--   failures          what the failure detector found per interview, one row per session, kind and
--                     window (dedup_key), with the evidence and the operators' workflow status.
--   session_health    each session's health score (0-100) and its breakdown, recomputed in the
--                     transaction that adds a failure. A session without a row is healthy (100).
--   console_settings  the single row of alert settings (Slack webhook, thresholds).
--   alert_deliveries  Slack messages to send, keyed by what they are about: a second alert about
--                     the same thing is a duplicate key, never a second message.
--   saved_views       named filter sets, per operator, unique by (owner, name).
--   api_keys          machine access to the analytics routes: a prefix to find the key by, and an
--                     HMAC-SHA-256 of the secret under a server pepper; never the secret itself.
--   app_console       the role console reads run as: SELECT on what the console shows, through
--                     policies, never the owner. Writes of the console go through app_service.

DO $$
BEGIN
    BEGIN
        CREATE ROLE app_console NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END $$;
GRANT app_console TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO app_console;

CREATE TABLE failures (
    id          bigserial PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('provider_unavailable', 'provider_failover', 'session_errored_refunded',
                                              'evaluation_failed', 'evaluation_dead_lettered', 'interviewer_silent',
                                              'slow_first_audio', 'repeated_barge_ins', 'sandbox_unavailable',
                                              'socket_drops')),
    severity    text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ack', 'resolved')),
    -- session, kind and window: a redelivered event or a second detector finds the row already there
    dedup_key   text NOT NULL UNIQUE CHECK (length(dedup_key) BETWEEN 1 AND 200),
    -- copied from the session when the failure is found, so patterns group without a join
    provider    text,
    problem_id  uuid,
    evidence    jsonb NOT NULL DEFAULT '{}',
    detected_at timestamptz NOT NULL DEFAULT now(),
    status_by   uuid,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX failures_session_idx ON failures (session_id);
CREATE INDEX failures_detected_kind_idx ON failures (detected_at, kind);
CREATE INDEX failures_open_idx ON failures (detected_at) WHERE status <> 'resolved';

CREATE TABLE session_health (
    session_id    uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    score         int NOT NULL CHECK (score BETWEEN 0 AND 100),
    breakdown     jsonb NOT NULL,
    failure_count int NOT NULL CHECK (failure_count >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_health_score_idx ON session_health (score, session_id);

CREATE TABLE console_settings (
    id                     int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    slack_webhook_url      text CHECK (slack_webhook_url IS NULL OR length(slack_webhook_url) <= 500),
    -- alert when the share of the last 24 hours' sessions with a failure reaches this
    failure_rate_threshold numeric(5, 4) NOT NULL DEFAULT 0.2 CHECK (failure_rate_threshold > 0 AND failure_rate_threshold <= 1),
    -- alert when a session's health falls below this
    health_below           int NOT NULL DEFAULT 50 CHECK (health_below BETWEEN 1 AND 100),
    updated_by             uuid,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
INSERT INTO console_settings (id) VALUES (1);

CREATE TABLE alert_deliveries (
    dedup_key       text PRIMARY KEY CHECK (length(dedup_key) BETWEEN 1 AND 200),
    session_id      uuid REFERENCES sessions (id) ON DELETE SET NULL,
    text            text NOT NULL CHECK (length(text) <= 4000),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE saved_views (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    filters    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^irk_[A-Za-z0-9]{12}$'),
    key_hash     bytea NOT NULL CHECK (octet_length(key_hash) = 32),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scope        text NOT NULL DEFAULT 'analytics:read' CHECK (scope IN ('analytics:read')),
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- The operators' session list pages newest first.
CREATE INDEX sessions_created_id_idx ON sessions (created_at DESC, id DESC);

ALTER TABLE failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_health ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE alert_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;

-- app_service: the detector, the alert sender and the console's writes
GRANT SELECT, INSERT, UPDATE ON failures, session_health, alert_deliveries TO app_service;
GRANT SELECT, UPDATE ON console_settings TO app_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_views TO app_service;
GRANT SELECT, INSERT, UPDATE ON api_keys TO app_service;
GRANT USAGE, SELECT ON SEQUENCE failures_id_seq TO app_service;
CREATE POLICY service_all ON failures TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON session_health TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON console_settings TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON alert_deliveries TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON saved_views TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON api_keys TO app_service USING (true) WITH CHECK (true);

-- app_console: reads only. Candidate data of an account that asked to be deleted is not shown to
-- operators (the account is soft-deleted until the retention job purges it).
GRANT SELECT ON failures, session_health, console_settings TO app_console;
CREATE POLICY console_read ON failures FOR SELECT TO app_console USING (true);
CREATE POLICY console_read ON session_health FOR SELECT TO app_console USING (true);
CREATE POLICY console_read ON console_settings FOR SELECT TO app_console USING (true);
-- saved views: an operator reads their own (app.user_id), like app_user's policies
GRANT SELECT ON saved_views TO app_console;
CREATE POLICY console_own ON saved_views FOR SELECT TO app_console
    USING (owner_id = nullif(current_setting('app.user_id', true), '')::uuid);
-- key metadata only: the hash column is not granted
GRANT SELECT (id, prefix, name, scope, created_at, last_used_at, revoked_at) ON api_keys TO app_console;
CREATE POLICY console_read ON api_keys FOR SELECT TO app_console USING (true);

GRANT SELECT (id, deleted_at) ON users TO app_console;
CREATE POLICY console_read ON users FOR SELECT TO app_console USING (true);
GRANT SELECT (id, user_id, problem_id, status, language, provider, started_at, ended_at, duration_seconds,
              end_reason, credit_refunded, created_at) ON sessions TO app_console;
-- NOT IN over a small set is one hashed subplan, not a lookup per row: the analytics scan stays fast
CREATE POLICY console_read ON sessions FOR SELECT TO app_console
    USING (user_id NOT IN (SELECT id FROM users WHERE deleted_at IS NOT NULL));
GRANT SELECT (session_id, item_id, role, text, turn_started_at) ON transcripts TO app_console;
CREATE POLICY console_read ON transcripts FOR SELECT TO app_console USING (true);
GRANT SELECT (id, session_id, kind, payload, created_at) ON events TO app_console;
CREATE POLICY console_read ON events FOR SELECT TO app_console USING (true);
GRANT SELECT (session_id, status, overall_score, recommendation, error, created_at) ON evaluations TO app_console;
CREATE POLICY console_read ON evaluations FOR SELECT TO app_console USING (true);
GRANT SELECT (id, slug, title, difficulty) ON problems TO app_console;
CREATE POLICY console_read ON problems FOR SELECT TO app_console USING (true);
