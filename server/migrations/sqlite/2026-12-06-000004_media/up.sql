-- Uploaded media. The bytes live in the object store under `<id>` (and `<id>.thumb` for an
-- image's thumbnail); this row is what the server knows about them. `media_refs` records every
-- conversation a message has carried the media into: members of those conversations may fetch
-- it. Avatars are referenced from `users.avatar` and `chat_groups.avatar`, and any signed-in user
-- may fetch them. Media that nothing references is removed a day after its upload.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    uploader_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    name TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    has_thumb BOOLEAN NOT NULL DEFAULT FALSE,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX media_created ON media (created_at);
CREATE INDEX media_uploader ON media (uploader_id);

CREATE TABLE media_refs (
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (media_id, conversation_id)
);
CREATE INDEX media_refs_conversation ON media_refs (conversation_id);

ALTER TABLE users ADD COLUMN avatar TEXT;
ALTER TABLE chat_groups ADD COLUMN avatar TEXT;
CREATE INDEX users_avatar ON users (avatar);
CREATE INDEX chat_groups_avatar ON chat_groups (avatar);
