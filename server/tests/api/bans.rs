//! Bans and ended sessions take effect on live connections at once, not only at the next
//! request.

use std::time::Duration;

use shared::AppError;
use shared::event::{ClientFrame, Cursor, ServerEvent};
use shared::ids::{ConversationId, UserId};
use shared::rights::{ROLE_DISABLED, ROLE_USER};

use crate::harness::{Backend, TestServer};

crate::on_both_backends!(disabling_a_user_closes_their_sockets_at_once);

async fn disabling_a_user_closes_their_sockets_at_once(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conversation = alice.befriend(&bob).await;
    let alice_id = alice.me().await.unwrap().id;
    let mut phone = alice.ws().await;
    let laptop_client = alice.clone();
    let mut laptop = laptop_client.ws().await;
    let mut bob_ws = bob.ws().await;

    server::api::admin::set_only_role(&server.state, alice_id, ROLE_DISABLED)
        .await
        .unwrap();
    // Both of her sockets close with "session ended", well before any periodic check.
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        (phone.close_code().await, laptop.close_code().await)
    })
    .await
    .expect("closed at once");
    assert_eq!(closed, (Some(4001), Some(4001)));
    // Her HTTP calls and new sockets are refused; she hears nothing more.
    assert_eq!(alice.me().await, None);
    assert_eq!(alice.ws_with(&[]).await.err(), Some(401));
    bob.send_text(conversation, "after-ban", "still there?")
        .await
        .unwrap();
    assert!(matches!(
        bob_ws.next_event().await,
        Some(ServerEvent::Message { .. })
    ));

    // Enabled again, her session works again, with its history.
    server::api::admin::set_only_role(&server.state, alice_id, ROLE_USER)
        .await
        .unwrap();
    let mut back = alice.ws().await;
    back.send(&ClientFrame::Resume {
        lists: None,
        cursors: vec![Cursor {
            conversation_id: ConversationId(conversation),
            seq: 0,
        }],
    })
    .await;
    assert!(matches!(
        back.next_event().await,
        Some(ServerEvent::Message { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_notices_its_session_ended_where_no_close_reached_it() {
    let server = TestServer::start_configured(Backend::Sqlite, |config| {
        config.connections.session_recheck = Duration::from_millis(300);
    })
    .await
    .unwrap();
    let alice = server.signed_up("alice").await;
    let alice_id = alice.me().await.unwrap().id;
    let mut ws = alice.ws().await;
    // The session disappears from the database behind the hub's back (as when another node's
    // close message is lost), and this node's cached copy is dropped.
    let sessions = server::repo::sessions::list(&server.db, alice_id, shared::ids::SessionId(0))
        .await
        .unwrap();
    for session in sessions {
        server::repo::sessions::delete(&server.db, alice_id, session.id)
            .await
            .unwrap();
    }
    server
        .state
        .hub
        .caches()
        .apply(&server::cache::Invalidation::User(alice_id));
    assert_eq!(ws.close_code().await, Some(4001));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_on_one_node_closes_sockets_on_the_other() {
    let Some((node_a, node_b)) = TestServer::start_pair(Backend::Sqlite).await else {
        return;
    };
    let alice = node_b.signed_up("alice").await;
    let alice_id: UserId = alice.me().await.unwrap().id;
    let mut ws = alice.ws().await;
    server::api::admin::set_only_role(&node_a.state, alice_id, ROLE_DISABLED)
        .await
        .unwrap();
    let code = tokio::time::timeout(Duration::from_secs(2), ws.close_code())
        .await
        .expect("closed at once on the other node");
    assert_eq!(code, Some(4001));
    let err = alice
        .call::<serde_json::Value>("list_friends", serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(err, (401, AppError::Unauthenticated));
}
