-- Full-text index of messages: the terms Parley cut the text into (words, CJK characters and
-- pairs of characters) as a tsvector built without a parser, searched through a GIN index.
CREATE TABLE message_search (
    message_id BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    terms TSVECTOR NOT NULL
);
CREATE INDEX message_search_terms ON message_search USING GIN (terms);
CREATE INDEX message_search_conversation ON message_search (conversation_id, message_id);
