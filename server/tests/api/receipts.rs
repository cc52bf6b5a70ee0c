//! Mentions (and "[@me]" until read), read receipts from the read cursors with their throttled
//! hints, and typing notices.

use std::time::Duration;

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::ConversationId;
use shared::model::{ConversationSummary, GroupInfo, Message, MessageReaders, ReadReceipts};

use crate::harness::{Client, TestServer, Ws};

crate::on_both_backends!(
    mentions_mark_the_conversation_until_read,
    receipts_follow_the_read_cursors_and_hint_the_sender,
    typing_reaches_the_other_side_throttled,
);

async fn summary(c: &Client, conversation: i64) -> ConversationSummary {
    let list: Vec<ConversationSummary> = c.call("list_conversations", json!({})).await.unwrap();
    list.into_iter()
        .find(|s| s.id == ConversationId(conversation))
        .unwrap()
}

async fn mention(
    c: &Client,
    conversation: i64,
    id: &str,
    text: &str,
    mentions: Value,
) -> Result<Message, (u16, AppError)> {
    c.call(
        "send_message",
        json!({"conversation_id": conversation, "client_msg_id": id, "body": {"type": "text", "text": text}, "mentions": mentions}),
    )
    .await
}

async fn read_all(c: &Client, conversation: i64) {
    c.call::<()>(
        "mark_read",
        json!({"conversation_id": conversation, "seq": i64::MAX}),
    )
    .await
    .unwrap();
}

/// The next event of a kind other than messages, within `ms`.
async fn next_hint(ws: &mut Ws, ms: u64) -> Option<ServerEvent> {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, ws.next_event()).await {
            Ok(Some(ServerEvent::Message { .. })) | Ok(Some(ServerEvent::ReadCursor { .. })) => {}
            Ok(Some(event)) => return Some(event),
            Ok(None) | Err(_) => return None,
        }
    }
}

async fn mentions_mark_the_conversation_until_read(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let direct = alice.befriend(&bob).await;
    alice.befriend(&carl).await;
    let bob_id = bob.me().await.unwrap().id;
    let g: GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "crew", "member_ids": [bob_id, carl.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    let gc = g.conversation_id.0;
    read_all(&bob, gc).await;
    read_all(&carl, gc).await;

    let sent = mention(
        &alice,
        gc,
        "m1",
        "@bob lunch?",
        json!([{"user_id": bob_id, "start": 0, "len": 4}]),
    )
    .await
    .unwrap();
    assert_eq!(sent.mentions.len(), 1);
    assert!(summary(&bob, gc).await.mentioned);
    assert!(!summary(&carl, gc).await.mentioned);
    assert!(
        !summary(&alice, gc).await.mentioned,
        "not by one's own message"
    );
    let listed: Vec<Message> = bob
        .call(
            "list_messages",
            json!({"conversation_id": gc, "before_seq": null}),
        )
        .await
        .unwrap();
    assert_eq!(listed.last().unwrap().mentions, sent.mentions);
    read_all(&bob, gc).await;
    assert!(!summary(&bob, gc).await.mentioned, "read: no longer marked");

    // @all by the owner reaches everyone; a member may not.
    let all = mention(
        &alice,
        gc,
        "m2",
        "@all meeting",
        json!([{"user_id": null, "start": 0, "len": 4}]),
    )
    .await
    .unwrap();
    assert!(summary(&carl, gc).await.mentioned);
    assert!(summary(&bob, gc).await.mentioned);
    assert_eq!(
        mention(
            &carl,
            gc,
            "c1",
            "@all",
            json!([{"user_id": null, "start": 0, "len": 4}])
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // A recalled mention no longer marks.
    let _: Message = alice
        .call("recall_message", json!({"message_id": all.id}))
        .await
        .unwrap();
    assert!(!summary(&carl, gc).await.mentioned);

    // Refused: a range outside the text or not at an `@`, someone outside the group, a
    // mention in a direct chat.
    let dave = server.signed_up("dave").await;
    for (mentions, reason) in [
        (
            json!([{"user_id": bob_id, "start": 0, "len": 40}]),
            Invalid::OutOfRange,
        ),
        (
            json!([{"user_id": bob_id, "start": 1, "len": 3}]),
            Invalid::OutOfRange,
        ),
        (
            json!([{"user_id": dave.me().await.unwrap().id, "start": 0, "len": 4}]),
            Invalid::Unknown,
        ),
    ] {
        assert_eq!(
            mention(&alice, gc, "bad", "@bob x", mentions)
                .await
                .unwrap_err(),
            (422, AppError::invalid("mentions", reason))
        );
    }
    assert_eq!(
        mention(
            &alice,
            direct,
            "d1",
            "@bob",
            json!([{"user_id": bob_id, "start": 0, "len": 4}])
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("mentions", Invalid::WrongKind))
    );
    // An edit drops the mentions of the old text.
    let again = mention(
        &alice,
        gc,
        "m3",
        "@bob again",
        json!([{"user_id": bob_id, "start": 0, "len": 4}]),
    )
    .await
    .unwrap();
    let edited: Message = alice
        .call(
            "edit_message",
            json!({"message_id": again.id, "text": "never mind"}),
        )
        .await
        .unwrap();
    assert!(edited.mentions.is_empty());
}

async fn receipts_follow_the_read_cursors_and_hint_the_sender(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let direct = alice.befriend(&bob).await;
    alice.befriend(&carl).await;
    let m1 = alice.send_text(direct, "a1", "one").await.unwrap();
    let m2 = alice.send_text(direct, "a2", "two").await.unwrap();
    let receipts = |c: &Client, conversation: i64| {
        let c = c.clone();
        async move {
            c.call::<ReadReceipts>(
                "get_read_receipts",
                json!({"conversation_id": conversation}),
            )
            .await
            .unwrap()
            .cursors
        }
    };
    let before = receipts(&alice, direct).await;
    assert_eq!(before.len(), 1);
    assert!(before[0] < m1.seq, "bob has not read: {before:?}");

    let mut alice_ws = alice.ws().await;
    bob.call::<()>(
        "mark_read",
        json!({"conversation_id": direct, "seq": m1.seq}),
    )
    .await
    .unwrap();
    let hint = ServerEvent::ReadReceipts {
        conversation_id: ConversationId(direct),
    };
    assert_eq!(next_hint(&mut alice_ws, 2000).await, Some(hint.clone()));
    assert_eq!(receipts(&alice, direct).await, vec![m1.seq]);
    // A second read right after is coalesced: no hint at once, one when the interval ends.
    bob.call::<()>(
        "mark_read",
        json!({"conversation_id": direct, "seq": m2.seq}),
    )
    .await
    .unwrap();
    assert_eq!(next_hint(&mut alice_ws, 300).await, None);
    assert_eq!(next_hint(&mut alice_ws, 3000).await, Some(hint));
    assert_eq!(receipts(&alice, direct).await, vec![m2.seq]);
    // A cursor that does not move hints nobody.
    read_all(&bob, direct).await;
    assert_eq!(next_hint(&mut alice_ws, 2500).await, None);

    // In a group: who has and has not read the sender's message.
    let g: GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "crew", "member_ids": [bob.me().await.unwrap().id, carl.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    let gc = g.conversation_id.0;
    let m = alice.send_text(gc, "g1", "hello all").await.unwrap();
    let readers = |c: &Client| {
        let c = c.clone();
        async move {
            c.call::<MessageReaders>("list_message_readers", json!({"message_id": m.id}))
                .await
        }
    };
    let (bob_id, carl_id) = (bob.me().await.unwrap().id, carl.me().await.unwrap().id);
    let mut unread = vec![bob_id, carl_id];
    unread.sort();
    assert_eq!(
        readers(&alice).await.unwrap(),
        MessageReaders {
            read: vec![],
            unread: unread.clone()
        }
    );
    read_all(&bob, gc).await;
    assert_eq!(
        readers(&alice).await.unwrap(),
        MessageReaders {
            read: vec![bob_id],
            unread: vec![carl_id]
        }
    );
    let group_cursors = receipts(&alice, gc).await;
    assert_eq!(group_cursors.iter().filter(|c| **c < m.seq).count(), 1);
    assert_eq!(
        readers(&carl).await.unwrap_err(),
        (403, AppError::Forbidden)
    );
    let dave = server.signed_up("dave").await;
    assert_eq!(readers(&dave).await.unwrap_err(), (404, AppError::NotFound));
}

async fn typing_reaches_the_other_side_throttled(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let direct = alice.befriend(&bob).await;
    alice.befriend(&carl).await;
    let mut alice_ws = alice.ws().await;
    let mut bob_ws = bob.ws().await;
    bob.call::<()>("set_typing", json!({"conversation_id": direct}))
        .await
        .unwrap();
    assert_eq!(
        next_hint(&mut alice_ws, 2000).await,
        Some(ServerEvent::Typing {
            conversation_id: ConversationId(direct),
            user_id: bob.me().await.unwrap().id,
        })
    );
    // Not to the typist's own devices; a repeat within two seconds is dropped.
    assert_eq!(next_hint(&mut bob_ws, 300).await, None);
    bob.call::<()>("set_typing", json!({"conversation_id": direct}))
        .await
        .unwrap();
    assert_eq!(next_hint(&mut alice_ws, 300).await, None);
    // Groups show no typing.
    let g: GroupInfo = alice
        .call(
            "create_group",
            json!({"name": "crew", "member_ids": [carl.me().await.unwrap().id]}),
        )
        .await
        .unwrap();
    assert_eq!(
        alice
            .call::<()>(
                "set_typing",
                json!({"conversation_id": g.conversation_id.0})
            )
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
}
