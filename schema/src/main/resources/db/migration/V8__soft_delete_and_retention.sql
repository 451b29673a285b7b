-- The data lifecycle (docs/database.md).
--
-- Soft delete: DELETE /api/users/data stamps deleted_at instead of deleting the row. The account's
-- tokens are revoked at once; logging in with the password within ACCOUNT_RESTORE_DAYS clears the
-- stamp; after that the retention job deletes the row, and the ON DELETE CASCADEs of V1 take
-- every related row with it (the ledger guard of V2 lets that cascade through).
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
CREATE INDEX users_deleted_idx ON users (deleted_at) WHERE deleted_at IS NOT NULL;

-- The retention job finds old rows by age, oldest first, a batch at a time.
CREATE INDEX transcripts_created_idx ON transcripts (created_at);
CREATE INDEX code_snapshots_created_idx ON code_snapshots (created_at);
CREATE INDEX evaluations_created_idx ON evaluations (created_at);
