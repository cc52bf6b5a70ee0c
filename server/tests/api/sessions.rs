//! Several devices per user, listing and revoking them.

use serde_json::json;
use shared::AppError;
use shared::model::SessionInfo;

use crate::harness::{PASSWORD, TestServer};

crate::on_both_backends!(two_devices_list_and_revoke, sessions_are_private);

async fn two_devices_list_and_revoke(server: TestServer) {
    let phone = server.signed_up("judy").await;
    let laptop = server.client();
    laptop.log_in("judy", PASSWORD).await.unwrap();

    let list: Vec<SessionInfo> = phone.call("list_sessions", json!({})).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    let other = list.iter().find(|s| !s.current).unwrap();
    assert_eq!(other.ip.as_deref(), Some("127.0.0.1"));

    phone
        .call::<()>("revoke_session", json!({"session_id": other.id}))
        .await
        .unwrap();
    assert!(
        laptop.me().await.is_none(),
        "the revoked device is logged out"
    );
    assert!(phone.me().await.is_some());
    let list: Vec<SessionInfo> = phone.call("list_sessions", json!({})).await.unwrap();
    assert_eq!(list.len(), 1);
    let err = phone
        .call::<()>("revoke_session", json!({"session_id": other.id}))
        .await
        .unwrap_err();
    assert_eq!(err, (404, AppError::NotFound));
}

async fn sessions_are_private(server: TestServer) {
    let a = server.signed_up("kate").await;
    let b = server.signed_up("leo").await;
    let b_sessions: Vec<SessionInfo> = b.call("list_sessions", json!({})).await.unwrap();
    let err = a
        .call::<()>("revoke_session", json!({"session_id": b_sessions[0].id}))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (404, AppError::NotFound),
        "cannot revoke another user's session"
    );
    assert!(b.me().await.is_some());
    let anon = server
        .client()
        .call::<Vec<SessionInfo>>("list_sessions", json!({}))
        .await
        .unwrap_err();
    assert_eq!(anon, (401, AppError::Unauthenticated));
}
