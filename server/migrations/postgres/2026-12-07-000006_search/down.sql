DROP TABLE message_search;
