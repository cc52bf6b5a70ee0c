DROP TABLE webhook_deliveries;
DROP TABLE bot_webhook_cursors;
DROP TABLE bot_webhooks;
ALTER TABLE sessions DROP COLUMN scopes;
ALTER TABLE sessions DROP COLUMN token_name;
