//! Presence: online while connected (on any node), last seen otherwise, shown only as each
//! person's setting allows.

use std::time::Duration;

use serde_json::json;
use shared::AppError;
use shared::error::Invalid;
use shared::ids::UserId;
use shared::model::{GroupInfo, Me, Presence, PresenceVisibility};

use crate::harness::{Backend, Client, TestServer};

crate::on_both_backends!(presence_follows_connections_and_the_privacy_setting);

async fn presence(c: &Client, ids: &[UserId]) -> Vec<Presence> {
    c.call("get_presence", json!({ "user_ids": ids }))
        .await
        .unwrap()
}

async fn set(c: &Client, visibility: &str) -> Me {
    c.call(
        "set_presence_visibility",
        json!({ "visibility": visibility }),
    )
    .await
    .unwrap()
}

async fn presence_follows_connections_and_the_privacy_setting(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let dave = server.signed_up("dave").await;
    alice.befriend(&bob).await;
    bob.befriend(&dave).await;
    let bob_id = bob.me().await.unwrap().id;
    // Dave shares a group with alice but is not her friend.
    let _: GroupInfo = bob
        .call(
            "create_group",
            json!({"name": "crew", "member_ids": [dave.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    assert_eq!(
        bob.me().await.unwrap().presence,
        PresenceVisibility::Friends
    );

    // A friend sees bob; offline, with when he was last active.
    let seen = presence(&alice, &[bob_id]).await;
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].online);
    assert!(seen[0].last_seen.is_some());
    // Online while a connection is open, offline once it closed.
    let ws = bob.ws().await;
    assert!(presence(&alice, &[bob_id]).await[0].online);
    drop(ws);
    let mut offline = false;
    for _ in 0..50 {
        if !presence(&alice, &[bob_id]).await[0].online {
            offline = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(offline, "offline once the socket closed");

    // Friends only: a stranger and a fellow group member see nothing.
    assert!(presence(&carl, &[bob_id]).await.is_empty());
    let dave_sees = presence(&dave, &[bob_id]).await;
    assert_eq!(dave_sees.len(), 1, "dave is bob's friend");
    let alice_id = alice.me().await.unwrap().id;
    // Everyone: whoever may see the profile (a shared group), still not a stranger.
    assert_eq!(
        set(&alice, "everyone").await.presence,
        PresenceVisibility::Everyone
    );
    let _: GroupInfo = bob
        .call(
            "create_group",
            json!({"name": "all", "member_ids": [alice_id, dave.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    assert_eq!(presence(&dave, &[alice_id]).await.len(), 1);
    assert!(presence(&carl, &[alice_id]).await.is_empty());
    // Nobody: not even a friend; yourself always.
    set(&bob, "nobody").await;
    assert!(presence(&alice, &[bob_id]).await.is_empty());
    assert_eq!(presence(&bob, &[bob_id]).await.len(), 1);

    // More than fifty at once is refused.
    let many: Vec<i64> = (1..=51).collect();
    assert_eq!(
        alice
            .call::<Vec<Presence>>("get_presence", json!({ "user_ids": many }))
            .await
            .unwrap_err(),
        (422, AppError::invalid("user_ids", Invalid::OutOfRange))
    );
}

/// Connected to one node, online as the other node sees it (through Redis).
async fn presence_crosses_nodes(backend: Backend) {
    let Some((node_a, node_b)) = TestServer::start_pair(backend).await else {
        return;
    };
    let alice = node_a.signed_up("alice").await;
    let bob = node_b.signed_up("bob").await;
    alice.befriend(&bob).await;
    let bob_id = bob.me().await.unwrap().id;
    assert!(!presence(&alice, &[bob_id]).await[0].online);
    let _ws = bob.ws().await;
    let mut online = false;
    for _ in 0..50 {
        if presence(&alice, &[bob_id]).await[0].online {
            online = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(online, "node A sees bob connected to node B");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_crosses_nodes_on_sqlite() {
    presence_crosses_nodes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_crosses_nodes_on_postgres() {
    presence_crosses_nodes(Backend::Postgres).await;
}
