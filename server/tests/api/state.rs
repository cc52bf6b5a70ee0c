//! The client reducer against the real server: a store built from a snapshot, with the live
//! events that followed applied by `shared::state::apply_event`, equals a store built from a
//! fresh snapshot.

use serde_json::json;
use shared::event::ServerEvent;
use shared::model::{ConversationSummary, Friend, FriendRequest, GroupInfo, Message};
use shared::state::{ChatState, apply_event};

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(initial_state_plus_events_equals_fresh_state);

async fn snapshot(c: &Client) -> ChatState {
    let me = c.me().await.unwrap().id;
    let list: Vec<ConversationSummary> = c.call("list_conversations", json!({})).await.unwrap();
    let requests: Vec<FriendRequest> = c.call("list_friend_requests", json!({})).await.unwrap();
    ChatState::fresh(Some(me), list, requests)
}

async fn befriend(a: &Client, b: &Client) -> i64 {
    let req: FriendRequest = a
        .call(
            "send_friend_request",
            json!({"user_id": b.me().await.unwrap().id, "note": ""}),
        )
        .await
        .unwrap();
    let _: FriendRequest = b
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    let friends: Vec<Friend> = b.call("list_friends", json!({})).await.unwrap();
    friends
        .iter()
        .find(|f| f.username != "bob")
        .map(|f| f.conversation_id.0)
        .unwrap()
}

async fn say(c: &Client, conv: i64, id: &str) {
    let _: Message = c
        .call(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": id, "body": {"type": "text", "text": id}}),
        )
        .await
        .unwrap();
}

async fn initial_state_plus_events_equals_fresh_state(server: TestServer) {
    let bob = server.signed_up("bob").await;
    let alice = server.signed_up("alice").await;
    let carl = server.signed_up("carl").await;
    let direct = befriend(&alice, &bob).await;
    befriend(&carl, &bob).await;
    let group: GroupInfo = bob
        .call(
            "create_group",
            json!({"name": "team", "member_ids": [alice.me().await.unwrap().id, carl.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    let group_conv = group.conversation_id.0;
    say(&alice, direct, "before-1").await;

    let mut ws = bob.ws().await;
    let mut state = snapshot(&bob).await;

    // What happens while bob's device is connected:
    say(&alice, direct, "a-1").await;
    say(&alice, direct, "a-2").await;
    say(&carl, group_conv, "c-1").await;
    say(&bob, group_conv, "b-1").await;
    let bob_laptop = server.client();
    bob_laptop.log_in("bob", PASSWORD).await.unwrap();
    bob_laptop
        // Up to a-1 (seq 1 is the friends-now notice, 2 is before-1).
        .call::<()>("mark_read", json!({"conversation_id": direct, "seq": 3}))
        .await
        .unwrap();
    say(&alice, direct, "a-3").await;
    bob_laptop
        .call::<()>(
            "set_conversation_flags",
            json!({"conversation_id": group_conv, "pinned": true, "muted": true}),
        )
        .await
        .unwrap();
    let dora = server.signed_up("dora").await;
    let _: FriendRequest = dora
        .call(
            "send_friend_request",
            json!({"user_id": bob.me().await.unwrap().id, "note": "hi"}),
        )
        .await
        .unwrap();

    let mut events = 0;
    loop {
        match tokio::time::timeout(std::time::Duration::from_millis(400), ws.next_event()).await {
            Ok(Some(event)) => {
                events += 1;
                assert!(!matches!(event, ServerEvent::Resync { .. }));
                apply_event(&mut state, event);
            }
            Ok(None) => panic!("socket closed"),
            Err(_) => break,
        }
    }
    assert!(
        events >= 7,
        "messages, cursor and request arrived ({events})"
    );

    let fresh = snapshot(&bob).await;
    assert_eq!(state.conversations, fresh.conversations);
    let ids = |s: &ChatState| {
        let mut v: Vec<_> = s.requests.iter().map(|r| (r.id, r.status)).collect();
        v.sort_by_key(|(id, _)| *id);
        v
    };
    assert_eq!(ids(&state), ids(&fresh));
    let direct_summary = &fresh.conversations[&shared::ids::ConversationId(direct)];
    assert_eq!((direct_summary.read_seq, direct_summary.unread), (3, 2));
}
