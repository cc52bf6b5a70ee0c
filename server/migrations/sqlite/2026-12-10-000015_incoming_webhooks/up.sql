-- Incoming webhooks: a secret URL (/hooks/<token>, its SHA-256 kept here) that posts into a
-- group as the hook's own bot (a user of kind 'hook', a member of the group).
CREATE TABLE incoming_webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    bot_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX incoming_webhooks_conversation ON incoming_webhooks (conversation_id);
