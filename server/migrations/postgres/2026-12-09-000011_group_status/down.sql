DROP INDEX chat_groups_status;
ALTER TABLE chat_groups DROP COLUMN status;
