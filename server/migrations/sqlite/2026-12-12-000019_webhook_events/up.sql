-- Changes to stored messages that a webhook bot's receiver is told of, written in the unit of
-- work that made each change: the delivery worker turns them into deliveries once the changed
-- message itself (seq) has been queued for the bot, in the order they were made.
CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_bot ON webhook_events (bot_id, id);
