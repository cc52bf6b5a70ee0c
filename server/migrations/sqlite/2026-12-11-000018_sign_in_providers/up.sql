-- Accounts at outside providers (GitHub, an OpenID Connect issuer) a user signs in with,
-- found again by the provider's own user id (never by name or email).
CREATE TABLE user_identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    login TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_identities_subject ON user_identities (provider, subject);
CREATE UNIQUE INDEX user_identities_user ON user_identities (user_id, provider);

-- Sign-ins under way: the hash of the state sent to the provider, with the PKCE verifier and
-- nonce that finish it. A callback takes its row away, so a state works once.
CREATE TABLE sign_in_states (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    next_path TEXT NOT NULL,
    link_user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sign_in_states_expiry ON sign_in_states (expires_at);
