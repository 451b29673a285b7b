-- Operators and what they read (docs/database.md, "Operators, costs and the reporting role").
--
--   admins          who holds the admin role beyond ADMIN_EMAILS. Written only by the owner role
--                   (the `admin grant|revoke` command on the jar): no application role may write it,
--                   so no API path can grant admin, whatever bug it has.
--   cost_entries    one row per priced provider call (voice response, Anthropic message, sandbox run),
--                   keyed by an idempotency key: a retried or duplicated write adds nothing.
--   costs           the day's totals per provider and usage kind, added to in the same statement that
--                   inserts the entry, so the two never disagree.
--   app_reporting   the role operator reads run as: SELECT only, on the tables its policies admit.

DO $$
BEGIN
    BEGIN
        CREATE ROLE app_reporting NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END $$;
GRANT app_reporting TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO app_reporting;

CREATE TABLE admins (
    user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    granted_by text NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 200),
    granted_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE admins ENABLE ROW LEVEL SECURITY;
-- read-only for the application; the owner (migrations, the CLI) bypasses RLS and needs no grant
GRANT SELECT ON admins TO app_service, app_reporting;
CREATE POLICY service_read ON admins FOR SELECT TO app_service USING (true);
CREATE POLICY reporting_read ON admins FOR SELECT TO app_reporting USING (true);

CREATE TABLE cost_entries (
    id            bigserial PRIMARY KEY,
    event_key     text NOT NULL UNIQUE CHECK (length(event_key) BETWEEN 1 AND 300),
    session_id    uuid REFERENCES sessions (id) ON DELETE SET NULL,
    provider      text NOT NULL CHECK (provider IN ('openai', 'gemini', 'anthropic', 'sandbox')),
    model         text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    day           date NOT NULL,
    usage         jsonb NOT NULL,
    usd           numeric(18, 8) NOT NULL CHECK (usd >= 0),
    price_version text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cost_entries_session_idx ON cost_entries (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX cost_entries_day_provider_idx ON cost_entries (day, provider);

CREATE TABLE costs (
    day        date NOT NULL,
    provider   text NOT NULL CHECK (provider IN ('openai', 'gemini', 'anthropic', 'sandbox')),
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    quantity   numeric(24, 6) NOT NULL CHECK (quantity >= 0),
    usd        numeric(18, 8) NOT NULL CHECK (usd >= 0),
    entries    bigint NOT NULL CHECK (entries >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, provider, kind)
);

ALTER TABLE cost_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE costs ENABLE ROW LEVEL SECURITY;
-- the ledger only grows: the service role inserts entries and adds to the day's totals, never deletes
GRANT SELECT, INSERT ON cost_entries TO app_service;
GRANT USAGE, SELECT ON SEQUENCE cost_entries_id_seq TO app_service;
GRANT SELECT, INSERT, UPDATE ON costs TO app_service;
CREATE POLICY service_all ON cost_entries TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON costs TO app_service USING (true) WITH CHECK (true);
GRANT SELECT ON cost_entries, costs TO app_reporting;
CREATE POLICY reporting_read ON cost_entries FOR SELECT TO app_reporting USING (true);
CREATE POLICY reporting_read ON costs FOR SELECT TO app_reporting USING (true);
-- app_user: no grant on any of the three; a candidate never sees what an interview cost us.
