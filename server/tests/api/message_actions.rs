//! Acting on sent messages: replies with quotes and the history around them, recalls (who, how
//! long, and that the content and media are gone), edits, "delete for me", forwards (one by one
//! and merged, media shared) and reactions, each with its event to the other members.

use std::time::Duration;

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{GroupInfo, Message, MessageBody};

use crate::harness::{Backend, Client, TestServer, Ws};
use crate::media_files::png;

crate::on_both_backends!(
    a_reply_carries_its_quote_and_jumps_to_the_history_around_it,
    recalls_empty_the_message_for_everyone_and_follow_the_rules,
    edits_change_own_texts_only,
    delete_for_me_hides_on_my_devices_only,
    forwards_copy_one_by_one_or_merge_and_share_media,
    reactions_count_who_reacted,
);

async fn text(c: &Client, conversation: i64, id: &str, text: &str) -> Message {
    c.send_text(conversation, id, text).await.unwrap()
}

/// The next event about messages (skipping the others), within 5 s.
async fn next_message_event(ws: &mut Ws) -> ServerEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), ws.next_event())
            .await
            .expect("an event within 5 s")
            .expect("the socket is open");
        if matches!(
            event,
            ServerEvent::Message { .. }
                | ServerEvent::MessageChanged { .. }
                | ServerEvent::MessageHidden { .. }
        ) {
            return event;
        }
    }
}

async fn changed(ws: &mut Ws) -> Message {
    match next_message_event(ws).await {
        ServerEvent::MessageChanged { message } => message,
        other => panic!("expected message_changed, got {other:?}"),
    }
}

async fn history(c: &Client, conversation: i64) -> Vec<Message> {
    c.call(
        "list_messages",
        json!({"conversation_id": conversation, "before_seq": null, "limit": 100}),
    )
    .await
    .unwrap()
}

/// A group of `owner` with `members` (the owner's friends).
async fn group(owner: &Client, members: &[&Client]) -> GroupInfo {
    let mut ids = Vec::new();
    for m in members {
        ids.push(m.me().await.unwrap().id);
    }
    owner
        .call("create_group", json!({"name": "crew", "member_ids": ids}))
        .await
        .unwrap()
}

async fn a_reply_carries_its_quote_and_jumps_to_the_history_around_it(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let mut bob_ws = bob.ws().await;
    let mut sent = Vec::new();
    for i in 0..30 {
        sent.push(text(&bob, conv, &format!("b{i}"), &format!("line {i}")).await);
    }
    let long = "长".repeat(300);
    let quoted = text(&bob, conv, "long", &long).await;
    for _ in 0..31 {
        next_message_event(&mut bob_ws).await;
    }

    let reply: Message = alice
        .call(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "r1", "body": {"type": "text", "text": "yes"}, "reply_to": quoted.id}),
        )
        .await
        .unwrap();
    let quote = reply.quote.clone().expect("the reply quotes");
    assert_eq!(quote.message_id, quoted.id);
    assert_eq!(quote.seq, quoted.seq);
    assert_eq!(quote.sender_id, Some(bob.me().await.unwrap().id));
    let MessageBody::Text { text: snippet } = &quote.body else {
        panic!("a text snippet")
    };
    assert_eq!(snippet.chars().count(), 100, "cut to 100 characters");
    // The other side receives it with the quote, and history shows it too.
    match next_message_event(&mut bob_ws).await {
        ServerEvent::Message { message } => assert_eq!(message, reply),
        other => panic!("{other:?}"),
    }
    let listed = history(&bob, conv).await;
    assert_eq!(listed.last(), Some(&reply));
    // A repeat of the same send answers the same reply, quote included.
    let again: Message = alice
        .call(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "r1", "body": {"type": "text", "text": "yes"}, "reply_to": quoted.id}),
        )
        .await
        .unwrap();
    assert_eq!(again, reply);

    // Jumping to an old message loads the history around it.
    let target = &sent[5];
    let around: Vec<Message> = alice
        .call(
            "list_messages_around",
            json!({"conversation_id": conv, "seq": target.seq, "limit": 10}),
        )
        .await
        .unwrap();
    let seqs: Vec<i64> = around.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        ((target.seq - 5)..(target.seq + 5)).collect::<Vec<_>>()
    );

    // Only a text replies, only to a message of the same conversation.
    let carl = server.signed_up("carl").await;
    let other = alice.befriend(&carl).await;
    let elsewhere = text(&carl, other, "c1", "elsewhere").await;
    let refused = alice
        .call::<Message>(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "r2", "body": {"type": "text", "text": "x"}, "reply_to": elsewhere.id}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        (422, AppError::invalid("reply_to", Invalid::Unknown))
    );
    let refused = alice
        .call::<Message>(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "r3", "body": {"type": "location", "title": "x", "lat": 1.0, "lng": 2.0}, "reply_to": quoted.id}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        (422, AppError::invalid("reply_to", Invalid::WrongKind))
    );
    // A recalled original shows as recalled in the quote.
    let _: Message = bob
        .call("recall_message", json!({"message_id": quoted.id}))
        .await
        .unwrap();
    let listed = history(&alice, conv).await;
    let reply_now = listed.iter().find(|m| m.id == reply.id).unwrap();
    assert!(matches!(
        reply_now.quote.as_ref().unwrap().body,
        MessageBody::Recalled { .. }
    ));
}

async fn recalls_empty_the_message_for_everyone_and_follow_the_rules(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let mut bob_ws = bob.ws().await;
    let secret = text(&alice, conv, "s1", "the secret word").await;
    next_message_event(&mut bob_ws).await;
    // Not someone else's message.
    assert_eq!(
        bob.call::<Message>("recall_message", json!({"message_id": secret.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let recalled: Message = alice
        .call("recall_message", json!({"message_id": secret.id}))
        .await
        .unwrap();
    let alice_id = alice.me().await.unwrap().id;
    assert_eq!(
        recalled.body,
        MessageBody::Recalled {
            by: alice_id,
            by_admin: false
        }
    );
    assert_eq!(changed(&mut bob_ws).await, recalled);
    // The content is gone from what is stored and from history.
    let stored = server::repo::message_actions::find(&server.db, secret.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!serde_json::to_string(&stored).unwrap().contains("secret"));
    let listed = history(&bob, conv).await;
    assert!(!serde_json::to_string(&listed).unwrap().contains("secret"));
    // Recalling again changes nothing.
    let again: Message = alice
        .call("recall_message", json!({"message_id": secret.id}))
        .await
        .unwrap();
    assert_eq!(again, recalled);

    // A recalled photo can no longer be fetched by the other side.
    let photo = alice
        .upload("p.png", "image/png", png(20, 20))
        .await
        .unwrap();
    let sent = alice
        .send_body(conv, "p1", json!({"type": "image", "media_id": photo.id}))
        .await
        .unwrap();
    assert_eq!(bob.get_path(&photo.url, &[]).await.0, 200);
    let _: Message = alice
        .call("recall_message", json!({"message_id": sent.id}))
        .await
        .unwrap();
    assert_eq!(bob.get_path(&photo.url, &[]).await.0, 404);

    // In a group, the owner recalls anyone's message at any time, an admin a member's but not
    // the owner's, a member nobody else's.
    let carl = server.signed_up("carl").await;
    alice.befriend(&carl).await;
    let g = group(&alice, &[&bob, &carl]).await;
    let gc = g.conversation_id.0;
    let _: Value = alice
        .call(
            "set_group_admin",
            json!({"group_id": g.id, "user_id": bob.me().await.unwrap().id, "admin": true}),
        )
        .await
        .unwrap();
    let from_carl = text(&carl, gc, "c1", "carl speaks").await;
    let from_owner = text(&alice, gc, "a1", "owner speaks").await;
    let from_bob = text(&bob, gc, "b1", "admin speaks").await;
    assert_eq!(
        carl.call::<Message>("recall_message", json!({"message_id": from_bob.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        bob.call::<Message>("recall_message", json!({"message_id": from_owner.id}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let by_admin: Message = bob
        .call("recall_message", json!({"message_id": from_carl.id}))
        .await
        .unwrap();
    assert_eq!(
        by_admin.body,
        MessageBody::Recalled {
            by: bob.me().await.unwrap().id,
            by_admin: false
        }
    );
    let by_owner: Message = alice
        .call("recall_message", json!({"message_id": from_bob.id}))
        .await
        .unwrap();
    assert_eq!(
        by_owner.body,
        MessageBody::Recalled {
            by: alice_id,
            by_admin: false
        }
    );
    // A notice is not a message anyone recalls.
    let notice = history(&alice, gc).await[0].clone();
    assert_eq!(
        alice
            .call::<Message>("recall_message", json!({"message_id": notice.id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_id", Invalid::WrongKind))
    );
}

/// The recall window: the sender may recall only within it; an owner at any time.
async fn the_recall_window_closes(backend: Backend) {
    let Some(server) = TestServer::start_configured(backend, |c| {
        c.recall_window = Duration::from_millis(700);
    })
    .await
    else {
        return;
    };
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let early = text(&alice, conv, "e", "early").await;
    let g = group(&bob, &[&alice]).await;
    let in_group = text(&alice, g.conversation_id.0, "g", "in the group").await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        alice
            .call::<Message>("recall_message", json!({"message_id": early.id}))
            .await
            .unwrap_err(),
        (409, AppError::TooLate)
    );
    let late = text(&alice, conv, "l", "late").await;
    let _: Message = alice
        .call("recall_message", json!({"message_id": late.id}))
        .await
        .unwrap();
    // The group's owner still may.
    let _: Message = bob
        .call("recall_message", json!({"message_id": in_group.id}))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recall_window_closes_on_sqlite() {
    the_recall_window_closes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recall_window_closes_on_postgres() {
    the_recall_window_closes(Backend::Postgres).await;
}

async fn edits_change_own_texts_only(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let mut bob_ws = bob.ws().await;
    let first = text(&alice, conv, "t1", "helo").await;
    next_message_event(&mut bob_ws).await;
    let edited: Message = alice
        .call(
            "edit_message",
            json!({"message_id": first.id, "text": "hello"}),
        )
        .await
        .unwrap();
    assert_eq!(
        edited.body,
        MessageBody::Text {
            text: "hello".into()
        }
    );
    assert!(edited.edited_at.is_some());
    assert_eq!((edited.id, edited.seq), (first.id, first.seq));
    assert_eq!(changed(&mut bob_ws).await, edited);
    assert_eq!(history(&bob, conv).await.last(), Some(&edited));
    // Not someone else's, not an empty text, not a non-text.
    assert_eq!(
        bob.call::<Message>(
            "edit_message",
            json!({"message_id": first.id, "text": "mine"})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        alice
            .call::<Message>(
                "edit_message",
                json!({"message_id": first.id, "text": "  "})
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("text", Invalid::Required))
    );
    let place = alice
        .send_body(
            conv,
            "loc",
            json!({"type": "location", "title": "here", "lat": 1.0, "lng": 2.0}),
        )
        .await
        .unwrap();
    assert_eq!(
        alice
            .call::<Message>("edit_message", json!({"message_id": place.id, "text": "x"}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_id", Invalid::WrongKind))
    );
    // An edited reply keeps its quote.
    let reply: Message = alice
        .call(
            "send_message",
            json!({"conversation_id": conv, "client_msg_id": "re", "body": {"type": "text", "text": "a"}, "reply_to": first.id}),
        )
        .await
        .unwrap();
    let edited: Message = alice
        .call("edit_message", json!({"message_id": reply.id, "text": "b"}))
        .await
        .unwrap();
    assert_eq!(edited.quote, reply.quote);
    // A recalled message is no longer edited.
    let _: Message = alice
        .call("recall_message", json!({"message_id": first.id}))
        .await
        .unwrap();
    assert_eq!(
        alice
            .call::<Message>("edit_message", json!({"message_id": first.id, "text": "x"}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_id", Invalid::WrongKind))
    );
}

async fn delete_for_me_hides_on_my_devices_only(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let m1 = text(&bob, conv, "b1", "one").await;
    let m2 = text(&bob, conv, "b2", "two").await;
    let mut alice_ws = alice.ws().await;
    let mut bob_ws = bob.ws().await;
    let () = alice
        .call("delete_message_for_me", json!({"message_id": m1.id}))
        .await
        .unwrap();
    match next_message_event(&mut alice_ws).await {
        ServerEvent::MessageHidden {
            conversation_id,
            message_id,
        } => assert_eq!((conversation_id.0, message_id), (conv, m1.id)),
        other => panic!("{other:?}"),
    }
    bob_ws.expect_silence(300).await;
    let mine: Vec<i64> = history(&alice, conv).await.iter().map(|m| m.id.0).collect();
    assert!(!mine.contains(&m1.id.0) && mine.contains(&m2.id.0));
    let theirs: Vec<i64> = history(&bob, conv).await.iter().map(|m| m.id.0).collect();
    assert!(theirs.contains(&m1.id.0));
    // Nor around it, nor in a resume.
    let around: Vec<Message> = alice
        .call(
            "list_messages_around",
            json!({"conversation_id": conv, "seq": m1.seq}),
        )
        .await
        .unwrap();
    assert!(around.iter().all(|m| m.id != m1.id));
    let mut fresh = alice.ws().await;
    fresh
        .send(&shared::event::ClientFrame::Resume {
            lists: None,
            cursors: vec![shared::event::Cursor {
                conversation_id: shared::ids::ConversationId(conv),
                seq: 0,
            }],
        })
        .await;
    loop {
        match next_resume_event(&mut fresh).await {
            ServerEvent::Message { message } => assert_ne!(message.id, m1.id),
            ServerEvent::Resumed { .. } => break,
            _ => {}
        }
    }
    // Deleting the last message makes the one before it the chat's preview, for Alice only.
    let () = alice
        .call("delete_message_for_me", json!({"message_id": m2.id}))
        .await
        .unwrap();
    let preview = |list: Vec<shared::model::ConversationSummary>| {
        list.into_iter()
            .find(|c| c.id.0 == conv)
            .and_then(|c| c.last_message)
            .map(|m| m.id)
    };
    let mine: Vec<shared::model::ConversationSummary> =
        alice.call("list_conversations", json!({})).await.unwrap();
    let friend_added = history(&alice, conv).await.last().map(|m| m.id);
    assert_eq!(
        preview(mine),
        friend_added,
        "the newest message Alice still sees"
    );
    let theirs: Vec<shared::model::ConversationSummary> =
        bob.call("list_conversations", json!({})).await.unwrap();
    assert_eq!(preview(theirs), Some(m2.id));
    // A message elsewhere is not found.
    let carl = server.signed_up("carl").await;
    let dave = server.signed_up("dave").await;
    let theirs_conv = carl.befriend(&dave).await;
    let private = text(&carl, theirs_conv, "c", "private").await;
    assert_eq!(
        alice
            .call::<()>("delete_message_for_me", json!({"message_id": private.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
}

async fn next_resume_event(ws: &mut Ws) -> ServerEvent {
    tokio::time::timeout(Duration::from_secs(5), ws.next_event())
        .await
        .expect("an event within 5 s")
        .expect("the socket is open")
}

async fn forwards_copy_one_by_one_or_merge_and_share_media(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let conv = alice.befriend(&bob).await;
    let photo = bob.upload("p.png", "image/png", png(16, 16)).await.unwrap();
    let m1 = text(&bob, conv, "b1", "first").await;
    let m2 = bob
        .send_body(conv, "b2", json!({"type": "image", "media_id": photo.id}))
        .await
        .unwrap();
    let m3 = text(&alice, conv, "a1", "third").await;
    alice.befriend(&carl).await;
    let g = group(&alice, &[&carl]).await;
    let gc = g.conversation_id.0;
    // Carl is not in alice and bob's chat: the photo is not his to fetch yet.
    assert_eq!(carl.get_path(&photo.url, &[]).await.0, 404);
    let mut carl_ws = carl.ws().await;

    // One by one, in the order they were sent whatever the order given.
    let copies: Vec<Message> = alice
        .call(
            "forward_messages",
            json!({"message_ids": [m3.id, m1.id, m2.id], "conversation_ids": [gc]}),
        )
        .await
        .unwrap();
    let bodies: Vec<MessageBody> = copies.iter().map(|m| m.body.clone()).collect();
    assert_eq!(
        bodies,
        vec![m1.body.clone(), m2.body.clone(), m3.body.clone()]
    );
    let alice_id = alice.me().await.unwrap().id;
    assert!(copies.iter().all(|m| m.sender_id == Some(alice_id)));
    for copy in &copies {
        match next_message_event(&mut carl_ws).await {
            ServerEvent::Message { message } => assert_eq!(&message, copy),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        carl.get_path(&photo.url, &[]).await.0,
        200,
        "media is shared"
    );

    // Merged: one chat-history message with the three inside.
    let merged: Vec<Message> = alice
        .call(
            "forward_messages",
            json!({"message_ids": [m1.id, m2.id, m3.id], "conversation_ids": [gc], "merged": true}),
        )
        .await
        .unwrap();
    assert_eq!(merged.len(), 1);
    let MessageBody::Forwarded {
        title,
        people,
        items,
    } = &merged[0].body
    else {
        panic!("a chat-history card: {:?}", merged[0].body)
    };
    assert!(title.is_empty());
    assert_eq!(people, &vec!["alice".to_owned(), "bob".to_owned()]);
    let names: Vec<&str> = items.iter().map(|i| i.sender_name.as_str()).collect();
    assert_eq!(names, ["bob", "bob", "alice"]);
    assert_eq!(items[1].body, m2.body);
    // Forwarding the card on keeps it whole.
    let again: Vec<Message> = carl
        .call(
            "forward_messages",
            json!({"message_ids": [merged[0].id], "conversation_ids": [gc]}),
        )
        .await
        .unwrap();
    assert_eq!(again[0].body, merged[0].body);

    // Refusals: a message the caller cannot see, a conversation they cannot post to, merged
    // from two conversations, too many.
    assert_eq!(
        carl.call::<Vec<Message>>(
            "forward_messages",
            json!({"message_ids": [m1.id], "conversation_ids": [gc]}),
        )
        .await
        .unwrap_err(),
        (404, AppError::NotFound)
    );
    let dave = server.signed_up("dave").await;
    let foreign = carl.befriend(&dave).await;
    assert_eq!(
        alice
            .call::<Vec<Message>>(
                "forward_messages",
                json!({"message_ids": [m1.id], "conversation_ids": [foreign]}),
            )
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        alice
            .call::<Vec<Message>>(
                "forward_messages",
                json!({"message_ids": [m1.id, copies[0].id], "conversation_ids": [gc], "merged": true}),
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_ids", Invalid::OutOfRange))
    );
    let many: Vec<i64> = (1..=31).collect();
    assert_eq!(
        alice
            .call::<Vec<Message>>(
                "forward_messages",
                json!({"message_ids": many, "conversation_ids": [gc]}),
            )
            .await
            .unwrap_err(),
        (422, AppError::invalid("message_ids", Invalid::OutOfRange))
    );
}

async fn reactions_count_who_reacted(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    let (a, b): (UserId, UserId) = (alice.me().await.unwrap().id, bob.me().await.unwrap().id);
    let m = text(&alice, conv, "a1", "lunch?").await;
    let mut alice_ws = alice.ws().await;
    let react = |c: &Client, emoji: &str, on: bool| {
        let c = c.clone();
        let body = json!({"message_id": m.id, "emoji": emoji, "on": on});
        async move { c.call::<Message>("react_message", body).await }
    };
    let after = react(&bob, "👍", true).await.unwrap();
    assert_eq!(after.reactions.len(), 1);
    assert_eq!(after.reactions[0].users, vec![b]);
    assert_eq!(changed(&mut alice_ws).await, after);
    // The same reaction twice counts once (and sends nothing).
    let same = react(&bob, "👍", true).await.unwrap();
    assert_eq!(same, after);
    alice_ws.expect_silence(300).await;
    react(&alice, "👍", true).await.unwrap();
    let both = react(&alice, "❤️", true).await.unwrap();
    let summary: Vec<(String, Vec<UserId>)> = both
        .reactions
        .iter()
        .map(|r| (r.emoji.clone(), r.users.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![("👍".to_owned(), vec![b, a]), ("❤️".to_owned(), vec![a])]
    );
    assert_eq!(
        history(&bob, conv).await.last().unwrap().reactions,
        both.reactions
    );
    let off = react(&bob, "👍", false).await.unwrap();
    assert_eq!(off.reactions[0].users, vec![a]);
    assert_eq!(
        react(&bob, "🦀", true).await.unwrap_err(),
        (422, AppError::invalid("emoji", Invalid::Unknown))
    );
    // A recall removes them with the content.
    let _: Message = alice
        .call("recall_message", json!({"message_id": m.id}))
        .await
        .unwrap();
    assert!(
        history(&bob, conv)
            .await
            .last()
            .unwrap()
            .reactions
            .is_empty()
    );
    assert_eq!(
        react(&bob, "👍", true).await.unwrap_err(),
        (422, AppError::invalid("message_id", Invalid::WrongKind))
    );
}
