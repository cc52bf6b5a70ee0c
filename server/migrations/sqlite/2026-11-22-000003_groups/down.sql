DROP TABLE group_requests;
ALTER TABLE conversation_members DROP COLUMN muted_until;
ALTER TABLE conversation_members DROP COLUMN role;
DROP TABLE chat_groups;
