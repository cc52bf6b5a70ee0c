-- Invite codes: while registration is "invite", sign-up needs one. Administrators create them
-- (with an optional use limit and expiry) and revoke them; every account made with one is
-- recorded against it.
CREATE TABLE invite_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    note TEXT NOT NULL DEFAULT '',
    max_uses BIGINT,
    uses BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT,
    revoked_at BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE invite_code_uses (
    invite_id BIGINT NOT NULL REFERENCES invite_codes (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (invite_id, user_id)
);
CREATE INDEX invite_code_uses_user ON invite_code_uses (user_id);
CREATE INDEX invite_code_uses_recent ON invite_code_uses (invite_id, used_at);
