-- Personal access tokens are sessions with a name and scopes (NULL for a device's log-in or a
-- bot's token, which carry every right of their user).
ALTER TABLE sessions ADD COLUMN token_name TEXT;
ALTER TABLE sessions ADD COLUMN scopes TEXT;

-- A bot's outgoing webhook: where its events are posted and the key that signs them.
-- lease_owner/lease_until: the node delivering for this bot holds it until then, so two nodes
-- never post the same bot's events at once (order per bot).
CREATE TABLE bot_webhooks (
    bot_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0
);

-- How far each of a webhook bot's conversations has been queued (the newest seq taken).
CREATE TABLE bot_webhook_cursors (
    bot_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    PRIMARY KEY (bot_id, conversation_id)
);

-- The queue and log of a bot's deliveries, posted in id order per bot.
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    bot_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL,
    event TEXT NOT NULL,
    conversation_id BIGINT,
    message_id BIGINT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (bot_id, status, id);
