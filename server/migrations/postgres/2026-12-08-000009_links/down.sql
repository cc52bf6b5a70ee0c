DROP TABLE group_invites;
ALTER TABLE conversation_members DROP COLUMN group_nickname;
DROP INDEX users_friend_code;
ALTER TABLE users DROP COLUMN friend_code;
