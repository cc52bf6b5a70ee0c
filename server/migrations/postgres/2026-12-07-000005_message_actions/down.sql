DROP TABLE hidden_messages;
DROP TABLE message_reactions;
