-- Full-text index of messages: the message id as rowid, the conversation beside it (not
-- indexed, for filtering), and the terms Parley cut the text into (words, CJK characters and
-- pairs of characters), separated by spaces.
CREATE VIRTUAL TABLE message_fts USING fts5(
    terms,
    conversation_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);
