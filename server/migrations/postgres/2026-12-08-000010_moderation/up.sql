-- Moderation: a ban (no log-in) and a mute (no speaking), each until a time, and the
-- administrators' audit log, which nothing may change or delete; roles get a description.
ALTER TABLE users ADD COLUMN banned_until BIGINT;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN muted_until BIGINT;
ALTER TABLE roles ADD COLUMN description TEXT NOT NULL DEFAULT '';
CREATE TABLE admin_audit (
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION admin_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER admin_audit_no_change BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only();
CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only();
