-- Bots: users of kind 'bot' owned by the user who made them. Their tokens are sessions that
-- last until regenerated or the bot is deleted (no idle expiry).
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE users ADD COLUMN owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX users_owner ON users (owner_id);
ALTER TABLE sessions ADD COLUMN lasting BOOLEAN NOT NULL DEFAULT FALSE;
