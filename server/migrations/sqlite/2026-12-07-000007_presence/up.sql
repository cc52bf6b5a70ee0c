-- Who may see when a user is online or was last seen: everyone, friends or nobody.
ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'friends';
