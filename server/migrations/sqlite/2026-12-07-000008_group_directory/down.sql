DROP INDEX chat_groups_listed;
ALTER TABLE chat_groups DROP COLUMN listed;
