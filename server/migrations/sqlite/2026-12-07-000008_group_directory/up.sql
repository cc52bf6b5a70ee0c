-- Groups their owners list in the public directory (Discover › Group directory).
ALTER TABLE chat_groups ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX chat_groups_listed ON chat_groups (listed);
