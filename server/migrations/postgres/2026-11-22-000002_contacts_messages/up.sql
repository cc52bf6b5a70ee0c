-- Conversations (one per friendship, later one per group), their members with per-user state,
-- contacts (one row per side of a friendship), friend requests, blocks and messages.
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    direct_key TEXT UNIQUE,
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_message_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    read_seq BIGINT NOT NULL DEFAULT 0,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    muted BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

CREATE TABLE contacts (
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    friend_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    remark TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner_id, friend_id)
);

CREATE TABLE friend_requests (
    id BIGSERIAL PRIMARY KEY,
    from_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    created_at BIGINT NOT NULL,
    handled_at BIGINT
);
CREATE UNIQUE INDEX friend_requests_one_pending ON friend_requests (from_id, to_id) WHERE status = 'pending';
CREATE INDEX friend_requests_to ON friend_requests (to_id, status);

CREATE TABLE blocks (
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner_id, blocked_id)
);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    sender_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    client_msg_id TEXT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_sender_client_id ON messages (sender_id, client_msg_id);
