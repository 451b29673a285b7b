-- Interview audio recordings (docs/database.md, "Recordings").
--
-- The realtime node writes each interview's audio as 16-bit PCM WAV chunks (stereo: left the
-- candidate, right the interviewer) to the object store under u/{userId}/s/{sessionId}/{ts}/,
-- and one row per uploaded chunk here, after its object is stored (a row never names a missing
-- object). The retention job deletes recordings older than RECORDING_RETENTION_DAYS, objects first.

-- Recording is on by default; a user turns it off for their own interviews (PATCH /api/users/profile).
ALTER TABLE profiles ADD COLUMN record_audio boolean NOT NULL DEFAULT true;
GRANT UPDATE (record_audio) ON profiles TO app_user;

CREATE TABLE recordings (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id   uuid NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- u/{userId}/s/{sessionId}/{ts}/ : every chunk of the recording lies under it
    key_prefix   text NOT NULL CHECK (key_prefix LIKE 'u/%/s/%/%/'),
    sample_rate  int NOT NULL DEFAULT 24000 CHECK (sample_rate > 0),
    channels     smallint NOT NULL DEFAULT 2 CHECK (channels IN (1, 2)),
    chunk_count  int NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    -- the next chunk number to hand out: every socket of the session (a reconnect, a replaced
    -- socket still flushing) takes its numbers here, so two never write the same key
    next_chunk   int NOT NULL DEFAULT 0 CHECK (next_chunk >= 0),
    -- the end of the last stored chunk on the recording's timeline
    duration_ms  bigint NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    -- the instant of the timeline's origin (sample 0): the session's activation
    started_at   timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'recording' CHECK (status IN ('recording', 'complete')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_user_idx ON recordings (user_id);
-- the retention job finds old recordings oldest first, a batch at a time
CREATE INDEX recordings_started_idx ON recordings (started_at);

CREATE TABLE recording_chunks (
    recording_id uuid NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    idx          int NOT NULL CHECK (idx >= 0),
    object_key   text NOT NULL,
    start_ms     bigint NOT NULL CHECK (start_ms >= 0),
    duration_ms  int NOT NULL CHECK (duration_ms > 0),
    bytes        int NOT NULL CHECK (bytes > 44),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recording_id, idx)
);

ALTER TABLE recordings ENABLE ROW LEVEL SECURITY;
ALTER TABLE recording_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY service_all ON recordings TO app_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON recording_chunks TO app_service USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON recordings, recording_chunks TO app_service;

-- GET /api/sessions/{id}/recording and the data export read the caller's own recordings only.
GRANT SELECT ON recordings, recording_chunks TO app_user;
CREATE POLICY recording_own_select ON recordings FOR SELECT TO app_user
    USING (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
CREATE POLICY recording_chunk_own_select ON recording_chunks FOR SELECT TO app_user
    USING (recording_id IN (SELECT r.id FROM recordings r
                             WHERE r.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)));
