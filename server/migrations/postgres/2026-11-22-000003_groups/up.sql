-- Group chats: one group per conversation; members' roles and speaking mutes live on
-- conversation_members; join requests wait for an owner or admin.
CREATE TABLE chat_groups (
    id BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL UNIQUE REFERENCES conversations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    introduction TEXT NOT NULL DEFAULT '',
    notice TEXT NOT NULL DEFAULT '',
    muted_all BOOLEAN NOT NULL DEFAULT FALSE,
    dissolved_at BIGINT,
    created_at BIGINT NOT NULL
);

ALTER TABLE conversation_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE conversation_members ADD COLUMN muted_until BIGINT;

CREATE TABLE group_requests (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES chat_groups (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    created_at BIGINT NOT NULL,
    handled_at BIGINT,
    handled_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX group_requests_one_pending ON group_requests (group_id, user_id) WHERE status = 'pending';
