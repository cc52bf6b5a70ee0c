DROP TABLE message_fts;
