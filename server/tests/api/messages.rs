//! Sending (with deduplication and seq), history, read cursors, the conversation list and who
//! may do what.

use serde_json::{Value, json};
use shared::AppError;
use shared::model::{ConversationSummary, Friend, FriendRequest, Message, MessageBody};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    friends_exchange_messages_in_seq_order,
    retries_with_the_same_client_id_store_one_message,
    history_pages_backwards,
    unread_counts_follow_read_cursors,
    non_members_and_muted_users_are_refused,
    concurrent_senders_get_distinct_gapless_seqs,
    concurrent_repeats_across_conversations_store_each_send_once,
    two_senders_reusing_each_others_client_ids_at_once_store_every_send,
);

async fn friends(server: &TestServer) -> (Client, Client, i64) {
    let a = server.signed_up("alice").await;
    let b = server.signed_up("bob").await;
    let b_id = b.me().await.unwrap().id;
    let req: FriendRequest = a
        .call("send_friend_request", json!({"user_id": b_id, "note": ""}))
        .await
        .unwrap();
    let _: FriendRequest = b
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    let list: Vec<Friend> = a.call("list_friends", json!({})).await.unwrap();
    (a, b, list[0].conversation_id.0)
}

async fn send(
    c: &Client,
    conversation: i64,
    id: &str,
    text: &str,
) -> Result<Message, (u16, AppError)> {
    c.call(
        "send_message",
        json!({"conversation_id": conversation, "client_msg_id": id, "body": {"type": "text", "text": text}}),
    )
    .await
}

/// The seqs of a conversation's newest 100 messages, as `c` reads them, ascending.
async fn stored_seqs(c: &Client, conversation: i64) -> Vec<i64> {
    let page: Vec<Message> = c
        .call(
            "list_messages",
            json!({"conversation_id": conversation, "before_seq": null, "limit": 100}),
        )
        .await
        .unwrap();
    let mut seqs: Vec<i64> = page.iter().map(|m| m.seq).collect();
    seqs.sort_unstable();
    seqs
}

/// The "friends now" notice opens every friends' chat at seq 1: the first message sent is 2.
const FIRST: i64 = 2;

fn text(m: &Message) -> &str {
    match &m.body {
        MessageBody::Text { text } => text,
        _ => "",
    }
}

async fn friends_exchange_messages_in_seq_order(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    let m1 = send(&a, conv, "a-1", "你好 👋").await.unwrap();
    let m2 = send(&b, conv, "b-1", "hi alice").await.unwrap();
    assert_eq!((m1.seq, m2.seq), (FIRST, FIRST + 1));
    assert_eq!(
        m1.sender_id,
        Some(a.me().await.unwrap().id),
        "the server decides the sender"
    );
    assert_eq!(m1.client_msg_id.as_deref(), Some("a-1"));
    let history: Vec<Message> = b
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null, "limit": 10}),
        )
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(text).collect::<Vec<_>>(),
        vec!["", "你好 👋", "hi alice"],
        "after the notice"
    );
    // A sender_id in the payload is ignored: there is no such argument to forge.
    let forged = a
        .call::<Message>(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "a-2", "sender_id": 999, "body": {"type": "text", "text": "x"}}),
        )
        .await
        .unwrap();
    assert_eq!(forged.sender_id, Some(a.me().await.unwrap().id));
    let err = send(&a, conv, "a-3", "   ").await.unwrap_err();
    assert_eq!(err.0, 422);
    let err = send(&a, conv, "a 4", "bad id").await.unwrap_err();
    assert_eq!(err.0, 422);
    let err = a
        .call::<Message>(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "a-5", "body": {"type": "rocket"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, 400, "unknown body kinds are malformed requests");
}

async fn retries_with_the_same_client_id_store_one_message(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    let first = send(&a, conv, "retry-1", "once").await.unwrap();
    let second = send(&a, conv, "retry-1", "once").await.unwrap();
    let third = send(&a, conv, "retry-1", "once").await.unwrap();
    assert_eq!(first, second);
    assert_eq!(first, third);
    let next = send(&a, conv, "retry-2", "twice").await.unwrap();
    assert_eq!(
        next.seq,
        FIRST + 1,
        "deduplicated sends do not consume seqs"
    );
    let history: Vec<Message> = b
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null}),
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 3, "the notice and two messages");
    // Another sender may use the same client id.
    let theirs = send(&b, conv, "retry-1", "mine").await.unwrap();
    assert_eq!(theirs.seq, FIRST + 2);
}

async fn history_pages_backwards(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    for i in 1..=25 {
        send(&a, conv, &format!("m{i}"), &format!("message {i}"))
            .await
            .unwrap();
    }
    let newest: Vec<Message> = b
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null, "limit": 10}),
        )
        .await
        .unwrap();
    assert_eq!(
        newest.iter().map(|m| m.seq).collect::<Vec<_>>(),
        (17..=26).collect::<Vec<_>>()
    );
    let older: Vec<Message> = b
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": 17, "limit": 10}),
        )
        .await
        .unwrap();
    assert_eq!(older.first().unwrap().seq, 7);
    let oldest: Vec<Message> = b
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": 7, "limit": 10}),
        )
        .await
        .unwrap();
    assert_eq!(oldest.len(), 6, "five messages and the notice");
    let err = b
        .call::<Vec<Message>>(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null, "limit": 101}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, 422);
}

async fn unread_counts_follow_read_cursors(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    for i in 1..=3 {
        send(&a, conv, &format!("u{i}"), "ping").await.unwrap();
    }
    let list = b.chats().await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].unread, 3, "the notice is read by both");
    assert_eq!(list[0].title, "alice");
    assert_eq!(list[0].last_seq, FIRST + 2);
    assert_eq!(list[0].last_message.as_ref().map(text), Some("ping"));
    let mine = a.chats().await;
    assert_eq!(mine[0].unread, 0, "one's own messages are not unread");

    b.call::<()>("mark_read", json!({"conversation_id": conv, "seq": 3}))
        .await
        .unwrap();
    let list: Vec<ConversationSummary> = b.call("list_conversations", json!({})).await.unwrap();
    assert_eq!((list[0].read_seq, list[0].unread), (3, 1));
    // Never backwards, and capped at the newest seq.
    b.call::<()>("mark_read", json!({"conversation_id": conv, "seq": 1}))
        .await
        .unwrap();
    b.call::<()>("mark_read", json!({"conversation_id": conv, "seq": 99}))
        .await
        .unwrap();
    let list: Vec<ConversationSummary> = b.call("list_conversations", json!({})).await.unwrap();
    assert_eq!((list[0].read_seq, list[0].unread), (4, 0));
    // Pinning and muting are the caller's own.
    b.call::<()>(
        "set_conversation_flags",
        json!({"conversation_id": conv, "pinned": true, "muted": true}),
    )
    .await
    .unwrap();
    let list: Vec<ConversationSummary> = b.call("list_conversations", json!({})).await.unwrap();
    assert!(list[0].pinned && list[0].muted);
    let theirs: Vec<ConversationSummary> = a.call("list_conversations", json!({})).await.unwrap();
    assert!(!theirs[0].pinned && !theirs[0].muted);
    let eve = server.signed_up("eve").await;
    assert_eq!(
        eve.call::<()>(
            "set_conversation_flags",
            json!({"conversation_id": conv, "pinned": true, "muted": false}),
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
}

async fn non_members_and_muted_users_are_refused(server: TestServer) {
    let (a, _b, conv) = friends(&server).await;
    send(&a, conv, "s-1", "secret").await.unwrap();
    let eve = server.signed_up("eve").await;
    assert_eq!(
        send(&eve, conv, "e-1", "let me in").await.unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        eve.call::<Vec<Message>>(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        eve.call::<()>("mark_read", json!({"conversation_id": conv, "seq": 1}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        send(&eve, 999_999, "e-2", "nowhere").await.unwrap_err(),
        (403, AppError::Forbidden),
        "a missing conversation looks the same as someone else's"
    );
    assert!(eve.chats().await.is_empty());
    // A muted user (role mute) reads but cannot send, with a clear error.
    let a_id = a.me().await.unwrap().id;
    server::api::admin::set_only_role(&server.state, a_id, "mute")
        .await
        .unwrap();
    assert_eq!(
        send(&a, conv, "s-2", "hello").await.unwrap_err(),
        (403, AppError::Forbidden)
    );
    let history: Vec<Message> = a
        .call(
            "list_messages",
            json!({"conversation_id": conv, "before_seq": null}),
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "the notice and the one message");
    let anon = server.client();
    assert_eq!(
        anon.call::<Value>("list_conversations", json!({}))
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
}

async fn concurrent_senders_get_distinct_gapless_seqs(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let sender = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            send(&sender, conv, &format!("c{i}"), "race").await.unwrap()
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (FIRST..FIRST + 20).collect::<Vec<_>>());
}

/// Many sends in flight at once (so they share commits), each sent twice, into two
/// conversations: every client id is stored once, both answers carry the same message, and each
/// conversation's seqs are 1..n without gaps.
async fn concurrent_repeats_across_conversations_store_each_send_once(server: TestServer) {
    let (a, _b, first) = friends(&server).await;
    let carol = server.signed_up("carol").await;
    let carol_id = carol.me().await.unwrap().id;
    let req: FriendRequest = a
        .call(
            "send_friend_request",
            json!({"user_id": carol_id, "note": ""}),
        )
        .await
        .unwrap();
    let _: FriendRequest = carol
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    let friends: Vec<Friend> = a.call("list_friends", json!({})).await.unwrap();
    let second = friends
        .iter()
        .map(|f| f.conversation_id.0)
        .find(|c| *c != first)
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..30 {
        for _repeat in 0..2 {
            let a = a.clone();
            let conv = if i % 3 == 0 { second } else { first };
            tasks.push(tokio::spawn(async move {
                (
                    i,
                    send(&a, conv, &format!("k{i}"), &format!("n{i}"))
                        .await
                        .unwrap(),
                )
            }));
        }
    }
    let mut answers: Vec<(i32, Message)> = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    for i in 0..30 {
        let both: Vec<&Message> = answers
            .iter()
            .filter(|(k, _)| *k == i)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(both.len(), 2);
        assert_eq!(both[0], both[1], "a repeat answers with the stored message");
        assert_eq!(text(both[0]), format!("n{i}"));
    }
    for (conv, count) in [(first, 20), (second, 10)] {
        assert_eq!(
            stored_seqs(&a, conv).await,
            (1..=count + 1).collect::<Vec<_>>(),
            "conversation {conv}"
        );
    }
}

async fn two_senders_reusing_each_others_client_ids_at_once_store_every_send(server: TestServer) {
    let (a, b, conv) = friends(&server).await;
    let a_id = a.me().await.unwrap().id;
    // Sent while both senders send: each sender's pair (sender, client id) is its own, so
    // bob's `s0` is a new message and not alice's stored one.
    let earlier = send(&a, conv, "s0", "alice s0 (earlier)").await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        for (who, client) in [("alice", a.clone()), ("bob", b.clone())] {
            for _repeat in 0..2 {
                let client = client.clone();
                tasks.push(tokio::spawn(async move {
                    let text = if who == "alice" && i == 0 {
                        "alice s0 (earlier)".to_owned()
                    } else {
                        format!("{who} s{i}")
                    };
                    let m = send(&client, conv, &format!("s{i}"), &text).await.unwrap();
                    (who, i, m)
                }));
            }
        }
    }
    let mut answers: Vec<(&str, i32, Message)> = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    for who in ["alice", "bob"] {
        for i in 0..20 {
            let same: Vec<&Message> = answers
                .iter()
                .filter(|(w, k, _)| *w == who && *k == i)
                .map(|(_, _, m)| m)
                .collect();
            assert_eq!(same.len(), 2);
            assert_eq!(
                same[0], same[1],
                "{who} s{i}: a repeat answers with the stored one"
            );
            assert_eq!(
                (same[0].sender_id == Some(a_id)),
                who == "alice",
                "{who} s{i}"
            );
            if who == "alice" && i == 0 {
                assert_eq!(same[0], &earlier, "alice's s0 was stored before");
            } else {
                assert_eq!(text(same[0]), format!("{who} s{i}"));
            }
        }
    }
    assert_eq!(
        stored_seqs(&b, conv).await,
        (1..=41).collect::<Vec<_>>(),
        "the notice, then one message per sender and id"
    );
}
