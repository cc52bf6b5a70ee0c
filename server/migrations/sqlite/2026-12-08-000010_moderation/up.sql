-- Moderation: a ban (no log-in) and a mute (no speaking), each until a time, and the
-- administrators' audit log, which nothing may change or delete; roles get a description.
ALTER TABLE users ADD COLUMN banned_until BIGINT;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN muted_until BIGINT;
ALTER TABLE roles ADD COLUMN description TEXT NOT NULL DEFAULT '';
CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT,
    target_name TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    address TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX admin_audit_actor ON admin_audit (actor_id, id);
CREATE INDEX admin_audit_action ON admin_audit (action, id);
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN
    SELECT RAISE(ABORT, 'admin_audit is append-only');
END;
CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN
    SELECT RAISE(ABORT, 'admin_audit is append-only');
END;
