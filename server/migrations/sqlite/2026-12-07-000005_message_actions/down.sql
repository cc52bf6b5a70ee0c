DROP TABLE message_mentions;
DROP TABLE hidden_messages;
DROP TABLE message_reactions;
