//! The client reducer against the real server: a store built from a snapshot, with the live
//! events that followed applied by `shared::state::apply_event`, equals a store built from a
//! fresh snapshot.

use serde_json::json;
use shared::event::ServerEvent;
use shared::model::{ConversationSummary, Friend, FriendRequest, GroupInfo, Message};
use shared::state::{ChatState, apply_event};

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(
    initial_state_plus_events_equals_fresh_state,
    loaded_history_plus_message_events_equals_fresh_history,
);

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
    let _: Message = carl
        .call(
            "send_message",
            json!({"conversation_id": group_conv, "client_msg_id": "c-at", "body": {"type": "text", "text": "@bob look"}, "mentions": [{"user_id": bob.me().await.unwrap().id, "start": 0, "len": 4}]}),
        )
        .await
        .unwrap();
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
    assert!(
        fresh.conversations[&shared::ids::ConversationId(group_conv)].mentioned,
        "the mention marks the group until read"
    );
    let direct_summary = &fresh.conversations[&shared::ids::ConversationId(direct)];
    assert_eq!((direct_summary.read_seq, direct_summary.unread), (3, 2));
}

/// Edits, recalls, reactions, replies and "delete for me" seen live by a device that has a
/// conversation's history loaded leave it equal to the history fetched afresh.
async fn loaded_history_plus_message_events_equals_fresh_history(server: TestServer) {
    let bob = server.signed_up("bob").await;
    let alice = server.signed_up("alice").await;
    let direct = befriend(&alice, &bob).await;
    for id in ["m1", "m2", "m3", "m4"] {
        say(&alice, direct, id).await;
    }
    let conversation = shared::ids::ConversationId(direct);
    let page = |c: Client| async move {
        c.call::<Vec<Message>>(
            "list_messages",
            json!({"conversation_id": direct, "before_seq": null, "limit": 100}),
        )
        .await
        .unwrap()
    };
    let mut ws = bob.ws().await;
    let mut state = snapshot(&bob).await;
    state.add_history(conversation, page(bob.clone()).await);
    let ids: Vec<_> = state.history(conversation).iter().map(|m| m.id).collect();
    // seq 1 is the friends-now notice; m1..m4 follow.
    let (m1, m2, m3, m4) = (ids[1], ids[2], ids[3], ids[4]);

    let _: Message = alice
        .call(
            "edit_message",
            json!({"message_id": m1, "text": "m1 edited"}),
        )
        .await
        .unwrap();
    let _: Message = alice
        .call("recall_message", json!({"message_id": m2}))
        .await
        .unwrap();
    let _: Message = alice
        .call(
            "react_message",
            json!({"message_id": m3, "emoji": "🎉", "on": true}),
        )
        .await
        .unwrap();
    let _: Message = bob
        .call(
            "react_message",
            json!({"message_id": m3, "emoji": "🎉", "on": true}),
        )
        .await
        .unwrap();
    let _: Message = alice
        .call(
            "send_message",
            json!({"conversation_id": direct, "client_msg_id": "re", "body": {"type": "text", "text": "re"}, "reply_to": m1}),
        )
        .await
        .unwrap();
    let bob_laptop = server.client();
    bob_laptop.log_in("bob", PASSWORD).await.unwrap();
    bob_laptop
        .call::<()>("delete_message_for_me", json!({"message_id": m4}))
        .await
        .unwrap();

    let mut events = 0;
    loop {
        match tokio::time::timeout(std::time::Duration::from_millis(400), ws.next_event()).await {
            Ok(Some(event)) => {
                events += 1;
                apply_event(&mut state, event);
            }
            Ok(None) => panic!("socket closed"),
            Err(_) => break,
        }
    }
    assert!(events >= 6, "every change arrived ({events})");
    let fresh = page(bob.clone()).await;
    assert_eq!(state.history(conversation), fresh);
    let fresh_list = snapshot(&bob).await;
    assert_eq!(state.conversations, fresh_list.conversations);
}
