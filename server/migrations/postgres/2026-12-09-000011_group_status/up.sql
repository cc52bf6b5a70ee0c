-- An administrator's hold on a group: 'active' (none), 'muted' (nobody may post) or
-- 'disabled' (read-only and hidden from search and the directory).
ALTER TABLE chat_groups ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
CREATE INDEX chat_groups_status ON chat_groups (status, id);
