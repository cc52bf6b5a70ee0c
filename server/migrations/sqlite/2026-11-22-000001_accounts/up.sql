-- Accounts, RBAC (users, roles, rights and their links), sessions and settings.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    nickname TEXT NOT NULL,
    signature TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT 'local',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE rights (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

CREATE TABLE role_rights (
    role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    right_id BIGINT NOT NULL REFERENCES rights (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, right_id)
);
CREATE INDEX role_rights_right ON role_rights (right_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE settings (
    key_name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
