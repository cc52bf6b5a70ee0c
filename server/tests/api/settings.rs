//! The system settings take effect at once: the site's name and log-in notice anyone may read,
//! the role of new accounts, the recall window and the upload limit; bad values change nothing.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::model::{AdminSettings, AuditEntry, ConversationSummary, Message, SiteInfo};
use shared::rights::ROLE_ADMIN;

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(settings_take_effect_at_once);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

async fn settings_take_effect_at_once(server: TestServer) {
    let root = admin(&server).await;
    let anyone = server.client();
    let info: SiteInfo = anyone.call("site_info", json!({})).await.unwrap();
    assert_eq!(info.site_name, "Parley");
    assert_eq!(info.login_notice, "");
    assert_eq!(info.registration, "open");
    let before: AdminSettings = root.call("admin_get_settings", json!({})).await.unwrap();
    assert_eq!(before.default_role, "user");
    assert!(before.max_upload_mib_limit >= 2);

    // Refused values change nothing.
    for (body, field, why) in [
        (json!({"site_name": ""}), "site_name", Invalid::Required),
        (
            json!({"site_name": "x".repeat(41)}),
            "site_name",
            Invalid::TooLong,
        ),
        (
            json!({"site_name": "two\nlines"}),
            "site_name",
            Invalid::BadCharacters,
        ),
        (
            json!({"max_upload_mib": 0}),
            "max_upload_mib",
            Invalid::OutOfRange,
        ),
        (
            json!({"max_upload_mib": before.max_upload_mib_limit + 1}),
            "max_upload_mib",
            Invalid::OutOfRange,
        ),
        (
            json!({"recall_window_s": 604_801}),
            "recall_window_s",
            Invalid::OutOfRange,
        ),
        (
            json!({"default_role": "admin"}),
            "default_role",
            Invalid::OutOfRange,
        ),
        (
            json!({"default_role": "no_such"}),
            "default_role",
            Invalid::Unknown,
        ),
        (
            json!({"login_notice": "x".repeat(501)}),
            "login_notice",
            Invalid::TooLong,
        ),
        (
            json!({"site_name": "Fine", "default_role": "admin"}),
            "default_role",
            Invalid::OutOfRange,
        ),
    ] {
        assert_eq!(
            root.call::<AdminSettings>("admin_update_settings", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, why))
        );
    }
    let same: AdminSettings = root.call("admin_get_settings", json!({})).await.unwrap();
    assert_eq!(same, before);

    // A change of several at once, one audit entry.
    let after: AdminSettings = root
        .call(
            "admin_update_settings",
            json!({
                "site_name": "Acme Chat",
                "login_notice": "Maintenance on Sunday 周日维护",
                "max_upload_mib": 1,
                "recall_window_s": 0,
                "default_role": "mute",
            }),
        )
        .await
        .unwrap();
    assert_eq!(after.site_name, "Acme Chat");
    assert_eq!(after.registration, "open", "untouched");
    let info: SiteInfo = anyone.call("site_info", json!({})).await.unwrap();
    assert_eq!(info.site_name, "Acme Chat");
    assert_eq!(info.login_notice, "Maintenance on Sunday 周日维护");
    assert_eq!(info.recall_window_s, 0);
    assert_eq!(info.max_upload_mib, 1);
    let entries: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "update_settings"}))
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].detail["after"]["site_name"], "Acme Chat");
    assert_eq!(entries[0].detail["before"]["site_name"], "Parley");

    // New accounts get the role; the recall window and the upload limit hold.
    let newcomer = server.signed_up("newcomer").await;
    let me: Value = newcomer.call("current_user", json!({})).await.unwrap();
    assert!(
        !me["rights"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "speak"),
        "the mute role cannot speak: {me}"
    );
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let _: AdminSettings = root
        .call("admin_update_settings", json!({"default_role": "user"}))
        .await
        .unwrap();
    let carl = server.signed_up("carl").await;
    let conversation = carl.befriend(&amy).await;
    let sent: Message = carl.send_text(conversation, "c1", "oops").await.unwrap();
    assert_eq!(
        carl.call::<Message>("recall_message", json!({"message_id": sent.id}))
            .await
            .unwrap_err(),
        (409, AppError::TooLate)
    );
    // Just over the limit: the server stops reading there (a much larger body would still be
    // on its way when the answer comes and the connection closes).
    let over = vec![b'a'; 1024 * 1024 + 1];
    assert_eq!(
        carl.upload("notes.txt", "text/plain", over)
            .await
            .unwrap_err(),
        (413, AppError::TooLarge)
    );
    carl.upload("small.txt", "text/plain", vec![b'a'; 1024])
        .await
        .unwrap();
    // The system chat carries the site's name.
    let _: Value = root
        .call("admin_announce", json!({"text": "hello"}))
        .await
        .unwrap();
    let chats: Vec<ConversationSummary> = bob.call("list_conversations", json!({})).await.unwrap();
    assert!(chats.iter().any(|c| c.title == "Acme Chat"));
    assert_eq!(
        amy.call::<AdminSettings>("admin_update_settings", json!({"site_name": "Mine"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}
