DROP INDEX chat_groups_avatar;
DROP INDEX users_avatar;
ALTER TABLE chat_groups DROP COLUMN avatar;
ALTER TABLE users DROP COLUMN avatar;
DROP TABLE media_refs;
DROP TABLE media;
