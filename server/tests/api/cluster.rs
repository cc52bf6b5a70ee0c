//! Two server nodes on one database: each delivers the other's events through Redis.

use serde_json::json;
use shared::event::ServerEvent;
use shared::model::{Friend, FriendRequest, Message, SessionInfo};

use crate::harness::{Backend, PASSWORD, TestServer};

async fn two_nodes_deliver_each_others_messages(backend: Backend) {
    let Some((node_a, node_b)) = TestServer::start_pair(backend).await else {
        return;
    };
    let alice = node_a.signed_up("alice").await;
    let bob = node_b.signed_up("bob").await;
    let mut bob_ws = bob.ws().await;
    let bob_on_a = node_a.client();
    bob_on_a.log_in("bob", PASSWORD).await.unwrap();
    let mut bob_ws_on_a = bob_on_a.ws().await;

    let req: FriendRequest = alice
        .call(
            "send_friend_request",
            json!({"user_id": bob.me().await.unwrap().id, "note": "across nodes"}),
        )
        .await
        .unwrap();
    assert!(
        matches!(bob_ws.next_event().await, Some(ServerEvent::FriendRequest { request }) if request.id == req.id)
    );
    assert!(matches!(
        bob_ws_on_a.next_event().await,
        Some(ServerEvent::FriendRequest { .. })
    ));
    let _: FriendRequest = bob
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    let friends: Vec<Friend> = alice.call("list_friends", json!({})).await.unwrap();
    let conv = friends[0].conversation_id.0;
    while let Some(e) = bob_ws.next_event().await {
        if e == ServerEvent::ContactsChanged {
            break;
        }
    }
    while let Some(e) = bob_ws_on_a.next_event().await {
        if e == ServerEvent::ContactsChanged {
            break;
        }
    }

    let sent: Message = alice
        .call(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "x1", "body": {"type": "text", "text": "from node A"}}),
        )
        .await
        .unwrap();
    for ws in [&mut bob_ws, &mut bob_ws_on_a] {
        match ws.next_event().await {
            Some(ServerEvent::Message { message }) => assert_eq!(message, sent),
            other => panic!("expected the message on both nodes, got {other:?}"),
        }
        ws.expect_silence(200).await;
    }

    // Revoking a session on node B closes its socket on node A.
    let sessions: Vec<SessionInfo> = bob.call("list_sessions", json!({})).await.unwrap();
    let other = sessions.iter().find(|s| !s.current).unwrap().id;
    bob.call::<()>("revoke_session", json!({"session_id": other}))
        .await
        .unwrap();
    assert_eq!(bob_ws_on_a.next_event().await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_nodes() {
    two_nodes_deliver_each_others_messages(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes() {
    if std::env::var("PARLEY_TEST_POSTGRES_URL").is_ok() {
        two_nodes_deliver_each_others_messages(Backend::Postgres).await;
    }
}
