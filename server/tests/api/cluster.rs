//! Two server nodes on one database: each delivers the other's events through Redis.

use serde_json::json;
use shared::AppError;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{Friend, FriendRequest, GroupInfo, Message, SessionInfo};

use crate::groups::{befriend, id, say};
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
    // The friends-now notice reaches both of bob's devices first.
    for ws in [&mut bob_ws, &mut bob_ws_on_a] {
        match ws.next_event().await {
            Some(ServerEvent::Message { message }) => assert_eq!(message.sender_id, None),
            other => panic!("expected the notice on both nodes, got {other:?}"),
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

/// Each node keeps sessions and conversation access in memory: a change made through one node
/// must hold on the other at once (the other node has the old answer cached when it happens).
async fn changes_on_one_node_hold_on_the_other_at_once(backend: Backend) {
    let Some((node_a, node_b)) = TestServer::start_pair(backend).await else {
        return;
    };
    let owner = node_a.signed_up("owner").await;
    let anna = node_a.signed_up("anna").await;
    let ben = node_b.signed_up("ben").await;
    befriend(&owner, &anna).await;
    befriend(&owner, &ben).await;
    let anna_on_b = node_b.client();
    anna_on_b.log_in("anna", PASSWORD).await.unwrap();
    let g: GroupInfo = owner
        .call(
            "create_group",
            json!({"name": "two nodes", "member_ids": [id(&anna).await, id(&ben).await]}),
        )
        .await
        .unwrap();
    let conv = g.conversation_id.0;
    // Node B now has the group's access and both sessions cached.
    say(&ben, conv, "b1", "hello").await.unwrap();
    say(&anna_on_b, conv, "a1", "hello").await.unwrap();
    // Node A publishes an invalidation before the event of the same change, on one channel:
    // once a socket on node B has the event, node B has dropped what the change made stale.
    let mut ben_ws = ben.ws().await;
    let mut anna_ws_on_b = anna_on_b.ws().await;
    let group_changed = ServerEvent::GroupChanged { group_id: g.id };

    // A mute made on node A.
    let _: GroupInfo = owner
        .call(
            "mute_group_member",
            json!({"group_id": g.id, "user_id": id(&ben).await, "minutes": 10}),
        )
        .await
        .unwrap();
    ben_ws.wait_for(&group_changed).await;
    assert!(matches!(
        say(&ben, conv, "b2", "muted?").await,
        Err((403, AppError::Muted { until: Some(_) }))
    ));
    // A removal made on node A: no more writing or reading on node B.
    let _: GroupInfo = owner
        .call(
            "remove_group_member",
            json!({"group_id": g.id, "user_id": id(&ben).await}),
        )
        .await
        .unwrap();
    ben_ws.wait_for(&group_changed).await;
    assert_eq!(
        say(&ben, conv, "b3", "removed?").await.unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        ben.call::<Vec<Message>>("list_messages", json!({"conversation_id": conv}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // A friendship ended on node A closes the direct conversation on node B.
    let friends: Vec<Friend> = anna_on_b.call("list_friends", json!({})).await.unwrap();
    let direct = friends[0].conversation_id.0;
    say(&anna_on_b, direct, "d1", "hi").await.unwrap();
    owner
        .call::<()>("remove_friend", json!({"user_id": id(&anna).await}))
        .await
        .unwrap();
    anna_ws_on_b.wait_for(&ServerEvent::ContactsChanged).await;
    assert_eq!(
        say(&anna_on_b, direct, "d2", "still there?")
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // A role change made through node A: anna's session on node B loses the right to speak
    // (no event follows it, so wait for node B to apply it, briefly).
    server::api::admin::set_only_role(&node_a.state, UserId(id(&anna).await), "mute")
        .await
        .unwrap();
    let mut tries = 0;
    while anna_on_b.me().await.unwrap().has_right("speak") {
        tries += 1;
        assert!(tries < 100, "node B kept the old rights for a second");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        say(&anna_on_b, conv, "a2", "muted by role?")
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_nodes() {
    two_nodes_deliver_each_others_messages(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_nodes_share_changes() {
    changes_on_one_node_hold_on_the_other_at_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_share_changes() {
    if std::env::var("PARLEY_TEST_POSTGRES_URL").is_ok() {
        changes_on_one_node_hold_on_the_other_at_once(Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes() {
    if std::env::var("PARLEY_TEST_POSTGRES_URL").is_ok() {
        two_nodes_deliver_each_others_messages(Backend::Postgres).await;
    }
}
