-- InterviewRoom core tables. Every enum is a text column with a CHECK, so adding
-- a value is one ALTER ... CHECK in a later migration (no enum type rewrites).

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL,
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Case-insensitive uniqueness: concurrent signups with the same address race on this index,
-- exactly one wins, the rest get 23505.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- credits starts at 0: the signup_bonus ledger row (+3) written by the users trigger
-- brings it to 3, so profiles.credits always equals sum(credit_transactions.delta).
CREATE TABLE profiles (
    user_id              uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name         text,
    credits              int  NOT NULL DEFAULT 0 CHECK (credits >= 0),
    subscription_tier    text NOT NULL DEFAULT 'free' CHECK (subscription_tier IN ('free', 'pro', 'enterprise')),
    experience_level     text CHECK (experience_level IN ('junior', 'mid', 'senior', 'staff')),
    target_companies     text[] NOT NULL DEFAULT '{}',
    onboarding_completed boolean NOT NULL DEFAULT false,
    terms_accepted_at    timestamptz,
    terms_version        text,
    stripe_customer_id   text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE problems (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug               text NOT NULL UNIQUE,
    title              text NOT NULL,
    difficulty         text NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    category           text NOT NULL,
    description        text NOT NULL,
    constraints        jsonb NOT NULL DEFAULT '[]',
    function_signature jsonb NOT NULL,
    compare_mode       text NOT NULL DEFAULT 'exact' CHECK (compare_mode IN ('exact', 'unordered', 'unordered-nested', 'float')),
    starter_code       jsonb NOT NULL DEFAULT '{}',
    duration_minutes   int NOT NULL CHECK (duration_minutes > 0),
    input_generator    jsonb,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problems_difficulty_category_slug_idx ON problems (difficulty, category, slug);

CREATE TABLE test_cases (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    ordinal    int  NOT NULL,
    input      jsonb NOT NULL,
    expected   jsonb,
    is_example boolean NOT NULL DEFAULT false,
    is_hidden  boolean NOT NULL DEFAULT true,
    UNIQUE (problem_id, ordinal)
);
-- The (problem_id, ordinal) unique index serves "tests of a problem in order".

CREATE TABLE problem_solutions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    language   text NOT NULL CHECK (language IN ('python', 'javascript', 'java')),
    code       text NOT NULL,
    UNIQUE (problem_id, language)
);

CREATE TABLE sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    problem_id       uuid NOT NULL REFERENCES problems (id),
    status           text NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'active', 'completed', 'abandoned', 'errored')),
    language         text NOT NULL CHECK (language IN ('python', 'javascript', 'java')),
    provider         text CHECK (provider IN ('openai', 'gemini', 'local')),
    started_at       timestamptz,
    ended_at         timestamptz,
    deadline_at      timestamptz,
    duration_seconds int CHECK (duration_seconds >= 0),
    end_reason       text,
    credit_charged   boolean NOT NULL DEFAULT false,
    credit_refunded  boolean NOT NULL DEFAULT false,
    usage            jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_created_idx ON sessions (user_id, created_at DESC);
CREATE INDEX sessions_status_idx ON sessions (status);
CREATE INDEX sessions_problem_idx ON sessions (problem_id);
-- The timer sweeper scans only live sessions, ordered by their deadline.
CREATE INDEX sessions_active_deadline_idx ON sessions (deadline_at) WHERE status = 'active';

CREATE TABLE transcripts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    item_id         text NOT NULL,
    role            text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    text            text NOT NULL DEFAULT '',
    turn_started_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- the batcher upserts by (session_id, item_id), so a retried flush never duplicates a turn
    UNIQUE (session_id, item_id)
);
CREATE INDEX transcripts_session_turn_idx ON transcripts (session_id, turn_started_at);

CREATE TABLE code_snapshots (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id          uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    code                text NOT NULL CHECK (octet_length(code) <= 51200),
    language            text NOT NULL CHECK (language IN ('python', 'javascript', 'java')),
    snapshot_type       text NOT NULL CHECK (snapshot_type IN ('auto', 'manual', 'execution', 'final')),
    execution_result    jsonb,
    client_timestamp_ms bigint,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX code_snapshots_session_created_idx ON code_snapshots (session_id, created_at DESC);

CREATE TABLE evaluations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- UNIQUE also serves as the "evaluation by session" index
    session_id      uuid NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    rubric_version  text,
    model           text,
    prompt_hash     text,
    scores          jsonb,
    overall_score   numeric,
    recommendation  text CHECK (recommendation IN ('strong_yes', 'yes', 'maybe', 'no')),
    strengths       jsonb,
    improvements    jsonb,
    report_markdown text,
    evidence        jsonb,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stripe_payment_intent_id text UNIQUE,
    package_id               text NOT NULL,
    amount_cents             int  NOT NULL CHECK (amount_cents >= 0),
    currency                 text NOT NULL DEFAULT 'usd',
    status                   text NOT NULL,
    credits                  int  NOT NULL CHECK (credits >= 0),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_user_created_idx ON payments (user_id, created_at DESC);

-- The ledger. Append-only (see V2); profiles.credits is maintained from it by trigger.
CREATE TABLE credit_transactions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delta           int  NOT NULL CHECK (delta <> 0),
    reason          text NOT NULL CHECK (reason IN ('signup_bonus', 'session_start', 'refund', 'purchase', 'admin_adjustment')),
    session_id      uuid REFERENCES sessions (id) ON DELETE SET NULL,
    payment_id      uuid REFERENCES payments (id) ON DELETE SET NULL,
    idempotency_key text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- the sign of a delta follows from its reason; admin adjustments go either way
    CHECK (CASE reason
               WHEN 'session_start' THEN delta < 0
               WHEN 'admin_adjustment' THEN true
               ELSE delta > 0
           END)
);
CREATE INDEX credit_transactions_user_created_idx ON credit_transactions (user_id, created_at);
-- A session is charged at most once and refunded at most once; a retry gets 23505.
CREATE UNIQUE INDEX credit_transactions_one_start_per_session
    ON credit_transactions (session_id) WHERE reason = 'session_start';
CREATE UNIQUE INDEX credit_transactions_one_refund_per_session
    ON credit_transactions (session_id) WHERE reason = 'refund';
CREATE INDEX credit_transactions_payment_idx ON credit_transactions (payment_id) WHERE payment_id IS NOT NULL;

CREATE TABLE subscriptions (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    stripe_subscription_id text UNIQUE,
    stripe_customer_id     text,
    plan                   text NOT NULL,
    status                 text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'unpaid', 'canceled',
                                                           'incomplete', 'incomplete_expired', 'paused')),
    current_period_end     timestamptz,
    cancel_at_period_end   boolean NOT NULL DEFAULT false,
    -- Stripe delivers events out of order; an update older than this one is ignored.
    last_event_created     timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Webhook de-duplication: insert the event id first; 23505 means already processed.
CREATE TABLE stripe_events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    created      timestamptz NOT NULL,
    processed_at timestamptz
);

CREATE TABLE events (
    id                     bigserial PRIMARY KEY,
    request_id             text,
    user_id                uuid REFERENCES users (id) ON DELETE CASCADE,
    session_id             uuid REFERENCES sessions (id) ON DELETE CASCADE,
    group_id               text,
    kind                   text NOT NULL,
    -- only the SHA-256 of the raw X-Tracked-Skill-Id is stored, never the raw value
    tracked_skill_id_hash  text CHECK (tracked_skill_id_hash ~ '^[0-9a-f]{64}$'),
    payload                jsonb NOT NULL DEFAULT '{}',
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_user_created_idx ON events (user_id, created_at);
CREATE INDEX events_session_idx ON events (session_id);
