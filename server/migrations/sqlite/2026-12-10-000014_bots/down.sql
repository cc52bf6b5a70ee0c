ALTER TABLE sessions DROP COLUMN lasting;
DROP INDEX users_owner;
ALTER TABLE users DROP COLUMN owner_id;
ALTER TABLE users DROP COLUMN kind;
