//! Personal access tokens: made from a person's own log-in, used as `Authorization: Bearer`,
//! limited to their scopes, never managing the account, ended by revocation or expiry.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::model::{Me, PersonalToken, PersonalTokenWithSecret, SessionInfo, TokenScope};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    a_token_reaches_what_its_scopes_allow,
    tokens_are_revoked_and_expire,
    token_terms_are_checked,
);

fn bearer(token: &str) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    h
}

async fn make(
    owner: &Client,
    name: &str,
    scopes: &[&str],
    days: Option<u32>,
) -> PersonalTokenWithSecret {
    owner
        .call(
            "create_personal_token",
            json!({"name": name, "scopes": scopes, "expires_in_days": days}),
        )
        .await
        .unwrap()
}

async fn a_token_reaches_what_its_scopes_allow(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let chat = amy.befriend(&bob).await;
    let script = server.client();

    let read = make(&amy, "Backup 备份", &[], Some(30)).await;
    assert_eq!(read.token.scopes, vec![TokenScope::Read]);
    assert!(read.token.expires_at.is_some());
    let r = bearer(&read.secret);
    let me: Me = script
        .call_with("current_user", json!({}), r.clone())
        .await
        .unwrap();
    assert_eq!(me.username, "amy");
    let _: Value = script
        .call_with("list_messages", json!({"conversation_id": chat}), r.clone())
        .await
        .unwrap();
    let send = json!({"conversation_id": chat, "client_msg_id": "t1", "body": {"type": "text", "text": "hi"}});
    assert_eq!(
        script
            .call_with::<Value>("send_message", send.clone(), r.clone())
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // No token manages the account, whatever its scopes.
    let write = make(&amy, "Poster", &["write"], None).await;
    assert_eq!(
        write.token.scopes,
        vec![TokenScope::Read, TokenScope::Write]
    );
    assert_eq!(write.token.expires_at, None);
    let w = bearer(&write.secret);
    for (name, body) in [
        (
            "change_password",
            json!({"old_password": crate::harness::PASSWORD, "new_password": "n3w-pass-word!"}),
        ),
        ("list_sessions", json!({})),
        (
            "create_personal_token",
            json!({"name": "child", "scopes": ["write"]}),
        ),
        ("list_personal_tokens", json!({})),
        ("create_bot", json!({"name": "Bot"})),
        ("admin_stats", json!({})),
    ] {
        assert_eq!(
            script
                .call_with::<Value>(name, body, w.clone())
                .await
                .unwrap_err(),
            (403, AppError::Forbidden),
            "{name}"
        );
    }
    // Writing sends, seen live by Bob.
    let mut bob_ws = bob.ws().await;
    let _: Value = script
        .call_with("send_message", send, w.clone())
        .await
        .unwrap();
    loop {
        if let Some(ServerEvent::Message { message }) = bob_ws.next_event().await {
            assert_eq!(message.sender_id, Some(me.id));
            break;
        }
    }
    // A token reads events on /ws too.
    let auth = format!("Bearer {}", read.secret);
    let mut token_ws = script.ws_with(&[("authorization", &auth)]).await.unwrap();
    bob.send_text(chat, "b1", "hello token").await.unwrap();
    loop {
        if let Some(ServerEvent::Message { message }) = token_ws.next_event().await {
            assert_eq!(message.sender_id, Some(bob.me().await.unwrap().id));
            break;
        }
    }

    // The admin scope is for administrators only, and is needed for admin functions.
    assert_eq!(
        amy.call::<Value>(
            "create_personal_token",
            json!({"name": "Root", "scopes": ["admin"]})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    server.create_user("root", "admin").await;
    let root = server.client();
    root.log_in("root", crate::harness::PASSWORD).await.unwrap();
    let plain = make(&root, "Plain", &["write"], None).await;
    assert_eq!(
        script
            .call_with::<Value>("admin_stats", json!({}), bearer(&plain.secret))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let admin = make(&root, "Admin", &["admin"], Some(1)).await;
    assert_eq!(
        admin.token.scopes,
        vec![TokenScope::Read, TokenScope::Admin]
    );
    let _: Value = script
        .call_with("admin_stats", json!({}), bearer(&admin.secret))
        .await
        .unwrap();

    // Tokens are not devices: the session list leaves them out.
    let devices: Vec<SessionInfo> = amy.call("list_sessions", json!({})).await.unwrap();
    assert_eq!(devices.len(), 1);
    let tokens: Vec<PersonalToken> = amy.call("list_personal_tokens", json!({})).await.unwrap();
    assert_eq!(
        tokens.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Poster", "Backup 备份"]
    );
}

async fn tokens_are_revoked_and_expire(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let script = server.client();
    let made = make(&amy, "Short", &["write"], Some(7)).await;
    let auth = format!("Bearer {}", made.secret);
    let mut ws = script.ws_with(&[("authorization", &auth)]).await.unwrap();
    let _: Me = script
        .call_with("current_user", json!({}), bearer(&made.secret))
        .await
        .unwrap();
    // Only its owner revokes it.
    assert_eq!(
        bob.call::<Value>("revoke_personal_token", json!({"token_id": made.token.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    let _: Value = amy
        .call("revoke_personal_token", json!({"token_id": made.token.id}))
        .await
        .unwrap();
    assert_eq!(ws.close_code().await, Some(4001));
    assert_eq!(
        script
            .call_with::<Value>("list_conversations", json!({}), bearer(&made.secret))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
    assert_eq!(
        amy.call::<Value>("revoke_personal_token", json!({"token_id": made.token.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    // A device's session is not a token to revoke here.
    let devices: Vec<SessionInfo> = amy.call("list_sessions", json!({})).await.unwrap();
    assert_eq!(
        amy.call::<Value>("revoke_personal_token", json!({"token_id": devices[0].id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );

    // Past its expiry a token no longer works (aged in the database).
    let old = make(&amy, "Old", &[], Some(1)).await;
    let _: Me = script
        .call_with("current_user", json!({}), bearer(&old.secret))
        .await
        .unwrap();
    age_token(&server, old.token.id.0).await;
    assert_eq!(
        script
            .call_with::<Value>("list_conversations", json!({}), bearer(&old.secret))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
    let left: Vec<PersonalToken> = amy.call("list_personal_tokens", json!({})).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

/// Moves a token's expiry into the past, and empties the session cache as a restart would.
async fn age_token(server: &TestServer, id: i64) {
    let changed: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            Ok(diesel::sql_query(format!(
                "UPDATE sessions SET expires_at = 1 WHERE id = {id}"
            ))
            .execute(conn)
            .await?)
        })
    }
    .await;
    assert_eq!(changed.unwrap(), 1);
    server
        .state
        .hub
        .caches()
        .apply(&server::cache::Invalidation::AllSessions);
}

async fn token_terms_are_checked(server: TestServer) {
    let amy = server.signed_up("amy").await;
    for (body, field, why) in [
        (json!({"name": "", "scopes": []}), "name", Invalid::Required),
        (
            json!({"name": "x".repeat(65), "scopes": []}),
            "name",
            Invalid::TooLong,
        ),
        (
            json!({"name": "ok", "scopes": [], "expires_in_days": 0}),
            "expires_in_days",
            Invalid::OutOfRange,
        ),
        (
            json!({"name": "ok", "scopes": [], "expires_in_days": 367}),
            "expires_in_days",
            Invalid::OutOfRange,
        ),
    ] {
        assert_eq!(
            amy.call::<Value>("create_personal_token", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, why))
        );
    }
    // An unknown scope is a malformed request.
    let (status, _) = amy
        .call::<Value>(
            "create_personal_token",
            json!({"name": "ok", "scopes": ["root"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(status, 400);
    for i in 0..20 {
        make(&amy, &format!("t{i}"), &[], None).await;
    }
    assert_eq!(
        amy.call::<Value>(
            "create_personal_token",
            json!({"name": "one more", "scopes": []})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("name", Invalid::OutOfRange))
    );
    let tokens: Vec<PersonalToken> = amy.call("list_personal_tokens", json!({})).await.unwrap();
    assert_eq!(tokens.len(), 20);
    // Anonymous callers make nothing.
    assert_eq!(
        server
            .client()
            .call::<Value>("create_personal_token", json!({"name": "x", "scopes": []}))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
}
