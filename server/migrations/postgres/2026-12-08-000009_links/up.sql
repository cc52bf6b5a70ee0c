-- Links that bring people in: each user's add-friend link code, group invite links with an
-- expiry and a use count, and the name a member goes by in one group.
ALTER TABLE users ADD COLUMN friend_code TEXT;
CREATE UNIQUE INDEX users_friend_code ON users (friend_code);
ALTER TABLE conversation_members ADD COLUMN group_nickname TEXT NOT NULL DEFAULT '';
CREATE TABLE group_invites (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES chat_groups (id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_uses BIGINT,
    uses BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT
);
CREATE INDEX group_invites_group ON group_invites (group_id, created_at);
