-- session.ended reaches the event stream exactly once per session, after the session's final code
-- snapshot and transcript are stored. Whoever publishes claims it here first (a compare-and-set
-- on this column, in the same transaction as the publish), so the gateway, the REST end and the
-- sweeper's safety net can all try and only one succeeds.
ALTER TABLE sessions ADD COLUMN ended_announced_at timestamptz;

-- sessions that ended before this column existed were announced by the code of that time
UPDATE sessions SET ended_announced_at = coalesce(ended_at, updated_at)
 WHERE status IN ('completed', 'abandoned', 'errored');

-- the sweeper's safety net scans only ended sessions nobody announced (a node died mid-end)
CREATE INDEX sessions_unannounced_idx ON sessions (ended_at)
    WHERE ended_announced_at IS NULL AND status IN ('completed', 'abandoned', 'errored');
