-- Reports of messages, users and groups, and what administrators did about them. A caller
-- has one open report per target. Answers reach the reporter in their system chat (a
-- conversation of kind 'system', one per user, keyed 'system:<user id>').
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    target_user_id BIGINT,
    summary TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    action TEXT,
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_by BIGINT,
    resolved_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_status ON reports (status, id);
CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, target_kind, target_id)
    WHERE status = 'open';
