DROP TABLE admin_audit;
DROP FUNCTION admin_audit_append_only();
ALTER TABLE roles DROP COLUMN description;
ALTER TABLE users DROP COLUMN muted_until;
ALTER TABLE users DROP COLUMN ban_reason;
ALTER TABLE users DROP COLUMN banned_until;
