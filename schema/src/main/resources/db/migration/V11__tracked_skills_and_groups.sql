-- Progress over time: a session may belong to a group (a label the candidate's client chooses, e.g.
-- one per study plan) and track a skill. Of the skill only the keyed hash of X-Tracked-Skill-Id is
-- ever stored (see edge TrackedSkill); the raw id never reaches a table.
--
-- The session carries both; every event and every evaluation of the session gets them from it here,
-- in the database, so no writer (the edge, the realtime node, the evaluator, a test seed) can forget.

ALTER TABLE sessions
    ADD COLUMN group_id text CHECK (group_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    ADD COLUMN tracked_skill_id_hash text CHECK (tracked_skill_id_hash ~ '^[0-9a-f]{64}$');

ALTER TABLE evaluations
    ADD COLUMN group_id text,
    ADD COLUMN tracked_skill_id_hash text CHECK (tracked_skill_id_hash ~ '^[0-9a-f]{64}$');

-- An event of a session without its own group or skill hash takes the session's: a request that
-- carried no X-Tracked-Skill-Id (or the realtime node, which sees none) still files the event
-- under the skill the session tracks.
CREATE FUNCTION events_from_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.session_id IS NOT NULL AND (NEW.group_id IS NULL OR NEW.tracked_skill_id_hash IS NULL) THEN
        SELECT coalesce(NEW.group_id, s.group_id), coalesce(NEW.tracked_skill_id_hash, s.tracked_skill_id_hash)
          INTO NEW.group_id, NEW.tracked_skill_id_hash
          FROM sessions s WHERE s.id = NEW.session_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_from_session BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_from_session();

-- An evaluation always files under its session's group and skill (never its own).
CREATE FUNCTION evaluations_from_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.group_id, s.tracked_skill_id_hash INTO NEW.group_id, NEW.tracked_skill_id_hash
      FROM sessions s WHERE s.id = NEW.session_id;
    RETURN NEW;
END $$;
CREATE TRIGGER evaluations_from_session BEFORE INSERT ON evaluations
    FOR EACH ROW EXECUTE FUNCTION evaluations_from_session();

-- Assessment summaries by session: evaluations' UNIQUE (session_id). By group and by skill:
CREATE INDEX evaluations_group_created_idx ON evaluations (group_id, created_at) WHERE group_id IS NOT NULL;
CREATE INDEX evaluations_skill_created_idx ON evaluations (tracked_skill_id_hash, created_at)
    WHERE tracked_skill_id_hash IS NOT NULL;
-- A user's sessions of one group (GET /api/progress?groupId=), and events by group.
CREATE INDEX sessions_user_group_idx ON sessions (user_id, group_id) WHERE group_id IS NOT NULL;
CREATE INDEX events_group_created_idx ON events (group_id, created_at) WHERE group_id IS NOT NULL;
