//! The console's user moderation: bans that sign a chatting user out within a second, mutes that
//! end by themselves, role edits with the last administrator protected, password resets, new
//! accounts, and the audit log every one of them writes and nothing can change.

use std::time::Duration;

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::ids::UserId;
use shared::model::{
    AdminSettings, AdminUserDetail, AuditEntry, FOREVER, OneTimePassword, RoleInfo,
};
use shared::rights::ROLE_ADMIN;

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(
    a_ban_signs_a_chatting_user_out_and_keeps_them_out,
    a_mute_silences_until_it_ends,
    roles_change_at_once_and_the_last_admin_stays,
    passwords_sessions_and_new_accounts,
    the_audit_log_records_every_change_and_refuses_edits,
    roles_are_made_edited_and_deleted_with_effect_at_once,
    closing_registration_refuses_sign_ups_at_once,
);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

async fn id_of(c: &Client) -> UserId {
    c.me().await.unwrap().id
}

fn in_ms(ms: i64) -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + ms
}

async fn a_ban_signs_a_chatting_user_out_and_keeps_them_out(server: TestServer) {
    let root = admin(&server).await;
    let bob = server.signed_up("bob").await;
    let amy = server.signed_up("amy").await;
    let conversation = bob.befriend(&amy).await;
    let bob_id = id_of(&bob).await;
    let mut socket = bob.ws().await;
    bob.send_text(conversation, "before", "hello")
        .await
        .unwrap();

    let banned: AdminUserDetail = root
        .call(
            "admin_ban_user",
            json!({"user_id": bob_id, "reason": "spam", "until": in_ms(3_600_000)}),
        )
        .await
        .unwrap();
    assert!(banned.user.banned_until.is_some());
    assert_eq!(banned.ban_reason, "spam");
    assert!(banned.sessions.is_empty(), "every session ended");
    assert!(!banned.rights.iter().any(|r| r == "login"));
    let code = tokio::time::timeout(Duration::from_secs(1), socket.close_code())
        .await
        .expect("the socket closes within a second");
    assert_eq!(code, Some(4001));
    assert_eq!(
        bob.call::<Value>("list_friends", json!({}))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
    assert_eq!(
        bob.log_in("bob", PASSWORD).await.unwrap_err(),
        (403, AppError::AccountDisabled)
    );
    // The table shows it.
    let page: Value = root
        .call("admin_list_users", json!({"query": "bob"}))
        .await
        .unwrap();
    assert!(page["items"][0]["banned_until"].is_i64());

    // Refusals: no reason longer than 200, no end in the past, no banning oneself or an admin.
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_ban_user",
            json!({"user_id": id_of(&amy).await, "reason": "x", "until": 1})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("until", Invalid::OutOfRange))
    );
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_ban_user",
            json!({"user_id": id_of(&amy).await, "reason": "x".repeat(201)})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("reason", Invalid::TooLong))
    );
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_ban_user",
            json!({"user_id": id_of(&root).await, "reason": ""})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        amy.call::<AdminUserDetail>("admin_ban_user", json!({"user_id": bob_id, "reason": ""}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // Lifted: Bob logs in again. A permanent ban shows as FOREVER.
    let lifted: AdminUserDetail = root
        .call("admin_unban_user", json!({"user_id": bob_id}))
        .await
        .unwrap();
    assert_eq!(lifted.user.banned_until, None);
    bob.log_in("bob", PASSWORD).await.unwrap();
    let forever: AdminUserDetail = root
        .call(
            "admin_ban_user",
            json!({"user_id": bob_id, "reason": "again"}),
        )
        .await
        .unwrap();
    assert_eq!(forever.user.banned_until, Some(FOREVER));
}

async fn a_mute_silences_until_it_ends(server: TestServer) {
    let root = admin(&server).await;
    let bob = server.signed_up("bob").await;
    let amy = server.signed_up("amy").await;
    let conversation = bob.befriend(&amy).await;
    let bob_id = id_of(&bob).await;
    let muted: AdminUserDetail = root
        .call(
            "admin_mute_user",
            json!({"user_id": bob_id, "until": in_ms(1_500)}),
        )
        .await
        .unwrap();
    assert!(muted.user.muted_until.is_some());
    assert!(!muted.rights.iter().any(|r| r == "speak"));
    let refused = bob
        .call::<Value>(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": "m1", "body": {"type": "text", "text": "hi"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused, (403, AppError::Forbidden));
    // Bob still reads.
    let _: Value = bob
        .call("list_messages", json!({"conversation_id": conversation}))
        .await
        .unwrap();
    // The mute ends by itself, without any request from the console.
    tokio::time::sleep(Duration::from_millis(1_700)).await;
    let _: Value = bob
        .call(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": "m2", "body": {"type": "text", "text": "back"}}),
        )
        .await
        .unwrap();
    // A mute for good, then lifted.
    let _: AdminUserDetail = root
        .call("admin_mute_user", json!({"user_id": bob_id}))
        .await
        .unwrap();
    assert!(
        bob.call::<Value>(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": "m3", "body": {"type": "text", "text": "?"}}),
        )
        .await
        .is_err()
    );
    let lifted: AdminUserDetail = root
        .call("admin_unmute_user", json!({"user_id": bob_id}))
        .await
        .unwrap();
    assert_eq!(lifted.user.muted_until, None);
    let _: Value = bob
        .call(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": "m4", "body": {"type": "text", "text": "ok"}}),
        )
        .await
        .unwrap();
}

async fn roles_change_at_once_and_the_last_admin_stays(server: TestServer) {
    let root = admin(&server).await;
    let root_id = id_of(&root).await;
    let bob = server.signed_up("bob").await;
    let bob_id = id_of(&bob).await;
    // The only administrator cannot lose `admin`.
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_set_user_roles",
            json!({"user_id": root_id, "roles": ["user"]})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    for (roles, reason) in [
        (json!([]), Invalid::Required),
        (json!(["user", "no-such-role"]), Invalid::Unknown),
        (
            json!((0..17).map(|i| format!("r{i}")).collect::<Vec<_>>()),
            Invalid::TooLong,
        ),
    ] {
        assert_eq!(
            root.call::<AdminUserDetail>(
                "admin_set_user_roles",
                json!({"user_id": bob_id, "roles": roles})
            )
            .await
            .unwrap_err(),
            (422, AppError::invalid("roles", reason))
        );
    }
    // Bob becomes an administrator: his very next request has the right.
    let promoted: AdminUserDetail = root
        .call(
            "admin_set_user_roles",
            json!({"user_id": bob_id, "roles": ["user", "admin"]}),
        )
        .await
        .unwrap();
    assert_eq!(promoted.user.roles, ["admin", "user"]);
    let _: Value = bob.call("admin_list_roles", json!({})).await.unwrap();
    // Now root may step down; Bob is the last and keeps it.
    let _: AdminUserDetail = root
        .call(
            "admin_set_user_roles",
            json!({"user_id": root_id, "roles": ["user"]}),
        )
        .await
        .unwrap();
    assert_eq!(
        root.call::<Value>("admin_list_roles", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden),
        "root's rights changed at once"
    );
    assert_eq!(
        bob.call::<AdminUserDetail>(
            "admin_set_user_roles",
            json!({"user_id": bob_id, "roles": ["mute"]})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // Disabled: signed out at once.
    let mut socket = root.ws().await;
    let _: AdminUserDetail = bob
        .call(
            "admin_set_user_roles",
            json!({"user_id": root_id, "roles": ["disabled"]}),
        )
        .await
        .unwrap();
    let code = tokio::time::timeout(Duration::from_secs(1), socket.close_code())
        .await
        .unwrap();
    assert_eq!(code, Some(4001));
}

async fn passwords_sessions_and_new_accounts(server: TestServer) {
    let root = admin(&server).await;
    let made: AdminUserDetail = root
        .call(
            "admin_create_user",
            json!({"username": "Carol", "password": "a-good-passphrase", "roles": ["mute"]}),
        )
        .await
        .unwrap();
    assert_eq!(made.user.username, "carol");
    assert_eq!(made.user.nickname, "carol");
    assert_eq!(made.user.roles, ["mute"]);
    assert!(!made.rights.iter().any(|r| r == "speak"));
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_create_user",
            json!({"username": "carol", "password": "a-good-passphrase"})
        )
        .await
        .unwrap_err(),
        (409, AppError::UsernameTaken)
    );
    assert_eq!(
        root.call::<AdminUserDetail>(
            "admin_create_user",
            json!({"username": "dave", "password": "short"})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("password", Invalid::TooShort))
    );
    let carol = server.client();
    carol.log_in("carol", "a-good-passphrase").await.unwrap();
    let laptop = server.client();
    laptop.log_in("carol", "a-good-passphrase").await.unwrap();
    let detail: AdminUserDetail = root
        .call("admin_get_user", json!({"user_id": made.user.id}))
        .await
        .unwrap();
    assert_eq!(detail.sessions.len(), 2);
    assert_eq!(detail.provider, "local");

    // Revoking ends both devices.
    let revoked: AdminUserDetail = root
        .call("admin_revoke_sessions", json!({"user_id": made.user.id}))
        .await
        .unwrap();
    assert!(revoked.sessions.is_empty());
    assert!(carol.me().await.is_none());
    assert!(laptop.me().await.is_none());

    // A reset password works once handed over; the old one does not.
    carol.log_in("carol", "a-good-passphrase").await.unwrap();
    let reset: OneTimePassword = root
        .call("admin_reset_password", json!({"user_id": made.user.id}))
        .await
        .unwrap();
    assert_eq!(reset.password.len(), 16);
    assert!(carol.me().await.is_none(), "the reset ended the session");
    assert_eq!(
        carol
            .log_in("carol", "a-good-passphrase")
            .await
            .unwrap_err()
            .1,
        AppError::InvalidCredentials
    );
    carol.log_in("carol", &reset.password).await.unwrap();
    assert_eq!(
        root.call::<AdminUserDetail>("admin_get_user", json!({"user_id": 999_999}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
}

async fn the_audit_log_records_every_change_and_refuses_edits(server: TestServer) {
    let root = admin(&server).await;
    let root_id = id_of(&root).await;
    let bob = server.signed_up("bob").await;
    let bob_id = id_of(&bob).await;
    for (f, body) in [
        ("admin_mute_user", json!({"user_id": bob_id})),
        ("admin_unmute_user", json!({"user_id": bob_id})),
        (
            "admin_ban_user",
            json!({"user_id": bob_id, "reason": "flood"}),
        ),
        ("admin_unban_user", json!({"user_id": bob_id})),
        (
            "admin_set_user_roles",
            json!({"user_id": bob_id, "roles": ["user", "mute"]}),
        ),
        ("admin_revoke_sessions", json!({"user_id": bob_id})),
        ("admin_reset_password", json!({"user_id": bob_id})),
    ] {
        let _: Value = root.call(f, body).await.unwrap();
    }
    let log: Vec<AuditEntry> = root.call("admin_audit_log", json!({})).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "reset_password",
            "revoke_sessions",
            "set_user_roles",
            "unban_user",
            "ban_user",
            "unmute_user",
            "mute_user"
        ],
        "newest first"
    );
    let ban = &log[4];
    assert_eq!(ban.actor_id, root_id);
    assert_eq!(ban.actor_name, "root");
    assert_eq!(ban.target_kind, "user");
    assert_eq!(ban.target_id, Some(bob_id.0));
    assert_eq!(ban.target_name, "bob");
    assert_eq!(ban.detail["reason"], "flood");
    assert_eq!(ban.detail["after"]["banned_until"], FOREVER);
    assert_eq!(ban.address.as_deref(), Some("127.0.0.1"));
    assert_eq!(log[2].detail["before"], json!(["user"]));
    assert_eq!(log[2].detail["after"], json!(["mute", "user"]));
    // Filters and paging.
    let bans: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "ban_user"}))
        .await
        .unwrap();
    assert_eq!(bans.len(), 1);
    let older: Vec<AuditEntry> = root
        .call(
            "admin_audit_log",
            json!({"before_id": log[1].id, "limit": 2, "target": bob_id.0, "actor": root_id}),
        )
        .await
        .unwrap();
    assert_eq!(
        older.iter().map(|e| e.id).collect::<Vec<_>>(),
        [log[2].id, log[3].id]
    );
    assert_eq!(
        root.call::<Vec<AuditEntry>>("admin_audit_log", json!({"limit": 201}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("limit", Invalid::OutOfRange))
    );
    assert_eq!(
        bob.call::<Vec<AuditEntry>>("admin_audit_log", json!({}))
            .await
            .unwrap_err()
            .0,
        401,
        "Bob's sessions were revoked"
    );
    // Append-only in the database itself.
    let edited: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            Ok(
                diesel::sql_query("UPDATE admin_audit SET action = 'nothing'")
                    .execute(conn)
                    .await?,
            )
        })
    }
    .await;
    assert!(edited.is_err(), "an update is refused");
    let deleted: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            Ok(diesel::sql_query("DELETE FROM admin_audit")
                .execute(conn)
                .await?)
        })
    }
    .await;
    assert!(deleted.is_err(), "a delete is refused");
    let again: Vec<AuditEntry> = root.call("admin_audit_log", json!({})).await.unwrap();
    assert_eq!(again.len(), 7);
}

async fn roles_are_made_edited_and_deleted_with_effect_at_once(server: TestServer) {
    let root = admin(&server).await;
    let bob = server.signed_up("bob").await;
    let amy = server.signed_up("amy").await;
    let conversation = bob.befriend(&amy).await;
    let bob_id = id_of(&bob).await;
    let send = |id: &'static str| {
        let bob = bob.clone();
        async move {
            bob.call::<Value>(
                "send_message",
                json!({"conversation_id": conversation, "client_msg_id": id, "body": {"type": "text", "text": "hi"}}),
            )
            .await
        }
    };
    let reviewer: RoleInfo = root
        .call(
            "admin_create_role",
            json!({"name": " Reviewer ", "description": "Reads and reports", "rights": ["login", "add_friend"]}),
        )
        .await
        .unwrap();
    assert_eq!(reviewer.key, "reviewer");
    assert_eq!(reviewer.rights, ["add_friend", "login"]);
    assert_eq!(reviewer.description, "Reads and reports");
    assert!(!reviewer.builtin);
    for (body, field, reason) in [
        (
            json!({"name": "reviewer", "rights": []}),
            "name",
            Invalid::Taken,
        ),
        (
            json!({"name": "x", "rights": []}),
            "name",
            Invalid::TooShort,
        ),
        (
            json!({"name": "a b", "rights": []}),
            "name",
            Invalid::BadCharacters,
        ),
        (
            json!({"name": "other", "rights": ["fly"]}),
            "rights",
            Invalid::Unknown,
        ),
    ] {
        assert_eq!(
            root.call::<RoleInfo>("admin_create_role", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, reason))
        );
    }
    // Bob becomes a reviewer only: he can no longer send.
    let _: AdminUserDetail = root
        .call(
            "admin_set_user_roles",
            json!({"user_id": bob_id, "roles": ["reviewer"]}),
        )
        .await
        .unwrap();
    assert_eq!(send("r1").await.unwrap_err(), (403, AppError::Forbidden));
    // The role gains `speak`: at once for Bob.
    let edited: RoleInfo = root
        .call(
            "admin_update_role",
            json!({"role": "reviewer", "rights": ["login", "add_friend", "speak"]}),
        )
        .await
        .unwrap();
    assert_eq!(edited.rights, ["add_friend", "login", "speak"]);
    assert_eq!(
        edited.description, "Reads and reports",
        "kept when not given"
    );
    send("r2").await.unwrap();
    // The role loses `login`: Bob's live connection closes.
    let mut socket = bob.ws().await;
    let _: RoleInfo = root
        .call(
            "admin_update_role",
            json!({"role": "reviewer", "rights": ["speak"], "description": "Silent"}),
        )
        .await
        .unwrap();
    let code = tokio::time::timeout(Duration::from_secs(1), socket.close_code())
        .await
        .unwrap();
    assert_eq!(code, Some(4001));
    // Protections: the admin role keeps every right; built-in roles stay; nobody is left
    // without `admin`.
    assert_eq!(
        root.call::<RoleInfo>(
            "admin_update_role",
            json!({"role": "admin", "rights": ["login", "admin"]})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        root.call::<()>("admin_delete_role", json!({"role": "mute"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let _: RoleInfo = root
        .call(
            "admin_create_role",
            json!({"name": "keyholder", "rights": ["login", "admin"]}),
        )
        .await
        .unwrap();
    let _: AdminUserDetail = root
        .call(
            "admin_set_user_roles",
            json!({"user_id": id_of(&amy).await, "roles": ["keyholder"]}),
        )
        .await
        .unwrap();
    let _: AdminUserDetail = root
        .call(
            "admin_set_user_roles",
            json!({"user_id": id_of(&root).await, "roles": ["user"]}),
        )
        .await
        .unwrap();
    assert_eq!(
        amy.call::<()>("admin_delete_role", json!({"role": "keyholder"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden),
        "Amy is the last administrator, through this role"
    );
    assert_eq!(
        amy.call::<()>("admin_delete_role", json!({"role": "nothing"}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    let () = amy
        .call("admin_delete_role", json!({"role": "reviewer"}))
        .await
        .unwrap();
    assert_eq!(
        bob.log_in("bob", PASSWORD).await.unwrap_err(),
        (403, AppError::AccountDisabled),
        "Bob holds no role any more"
    );
    let log: Vec<AuditEntry> = amy
        .call("admin_audit_log", json!({"action": "update_role"}))
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[0].detail["before"],
        json!(["add_friend", "login", "speak"])
    );
}

async fn closing_registration_refuses_sign_ups_at_once(server: TestServer) {
    let root = admin(&server).await;
    let bob = server.signed_up("bob").await;
    let settings: AdminSettings = root.call("admin_get_settings", json!({})).await.unwrap();
    assert_eq!(settings.registration, "open");
    assert_eq!(
        bob.call::<AdminSettings>("admin_update_settings", json!({"registration": "closed"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        root.call::<AdminSettings>("admin_update_settings", json!({"registration": "maybe"}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("registration", Invalid::OutOfRange))
    );
    let closed: AdminSettings = root
        .call("admin_update_settings", json!({"registration": "closed"}))
        .await
        .unwrap();
    assert_eq!(closed.registration, "closed");
    assert_eq!(
        server
            .client()
            .call::<Value>(
                "sign_up",
                json!({"username": "latecomer", "password": PASSWORD})
            )
            .await
            .unwrap_err(),
        (403, AppError::RegistrationClosed)
    );
    // Administrators still make accounts; existing users still log in.
    let _: AdminUserDetail = root
        .call(
            "admin_create_user",
            json!({"username": "invited", "password": "a-good-passphrase"}),
        )
        .await
        .unwrap();
    bob.log_in("bob", PASSWORD).await.unwrap();
    let log: Vec<AuditEntry> = root
        .call("admin_audit_log", json!({"action": "update_settings"}))
        .await
        .unwrap();
    assert_eq!(log[0].detail["after"]["registration"], "closed");
    assert_eq!(log[0].detail["before"]["registration"], "open");
    let _: AdminSettings = root
        .call("admin_update_settings", json!({"registration": "open"}))
        .await
        .unwrap();
    let _: Value = server
        .client()
        .call(
            "sign_up",
            json!({"username": "latecomer", "password": PASSWORD}),
        )
        .await
        .unwrap();
}
