DROP TRIGGER admin_audit_no_delete;
DROP TRIGGER admin_audit_no_update;
DROP TABLE admin_audit;
ALTER TABLE roles DROP COLUMN description;
ALTER TABLE users DROP COLUMN muted_until;
ALTER TABLE users DROP COLUMN ban_reason;
ALTER TABLE users DROP COLUMN banned_until;
