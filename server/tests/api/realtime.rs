//! Realtime delivery over real WebSockets: fan-out to every device, resume after a disconnect,
//! and who may connect.

use serde_json::json;
use shared::event::{ClientFrame, Cursor, ServerEvent};
use shared::ids::ConversationId;
use shared::model::{
    ConversationSummary, Friend, FriendRequest, GroupRequest, Message, RequestStatus, SessionInfo,
};

use crate::harness::{Client, PASSWORD, TestServer};

crate::on_both_backends!(
    friends_hear_requests_and_messages_live,
    every_device_receives_each_message_once,
    a_reconnecting_client_gets_exactly_what_it_missed,
    sockets_need_a_session_and_the_same_site,
    ending_a_session_closes_its_socket,
    a_page_learns_whether_its_lists_are_still_current,
);

async fn send(c: &Client, conversation: i64, id: &str, text: &str) -> Message {
    c.call(
        "send_message",
        json!({"conversation_id": conversation, "client_msg_id": id, "body": {"type": "text", "text": text}}),
    )
    .await
    .unwrap()
}

async fn befriend(a: &Client, b: &Client) -> i64 {
    let b_id = b.me().await.unwrap().id;
    let req: FriendRequest = a
        .call(
            "send_friend_request",
            json!({"user_id": b_id, "note": "hi"}),
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
    let friends: Vec<Friend> = a.call("list_friends", json!({})).await.unwrap();
    friends[0].conversation_id.0
}

fn message_seq(e: Option<ServerEvent>) -> i64 {
    match e {
        Some(ServerEvent::Message { message }) => message.seq,
        other => panic!("expected a message, got {other:?}"),
    }
}

async fn friends_hear_requests_and_messages_live(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let mut a_ws = alice.ws().await;
    let mut b_ws = bob.ws().await;
    let b_id = bob.me().await.unwrap().id;

    let req: FriendRequest = alice
        .call(
            "send_friend_request",
            json!({"user_id": b_id, "note": "let's chat"}),
        )
        .await
        .unwrap();
    match b_ws.next_event().await {
        Some(ServerEvent::FriendRequest { request }) => {
            assert_eq!(request.id, req.id);
            assert_eq!(request.note, "let's chat");
            assert_eq!(request.status, RequestStatus::Pending);
        }
        other => panic!("bob expected the request, got {other:?}"),
    }
    assert!(matches!(
        a_ws.next_event().await,
        Some(ServerEvent::FriendRequest { .. })
    ));

    let _: FriendRequest = bob
        .call(
            "respond_friend_request",
            json!({"request_id": req.id, "accept": true}),
        )
        .await
        .unwrap();
    match a_ws.next_event().await {
        Some(ServerEvent::FriendRequest { request }) => {
            assert_eq!(request.status, RequestStatus::Accepted)
        }
        other => panic!("alice expected the answer, got {other:?}"),
    }
    assert_eq!(a_ws.next_event().await, Some(ServerEvent::ContactsChanged));
    assert_eq!(
        message_seq(a_ws.next_event().await),
        1,
        "the friends-now notice"
    );
    assert!(matches!(
        b_ws.next_event().await,
        Some(ServerEvent::FriendRequest { .. })
    ));
    assert_eq!(b_ws.next_event().await, Some(ServerEvent::ContactsChanged));
    assert_eq!(
        message_seq(b_ws.next_event().await),
        1,
        "the friends-now notice"
    );

    let friends: Vec<Friend> = alice.call("list_friends", json!({})).await.unwrap();
    let conv = friends[0].conversation_id.0;
    let sent = send(&alice, conv, "a1", "hello bob").await;
    match b_ws.next_event().await {
        Some(ServerEvent::Message { message }) => assert_eq!(message, sent),
        other => panic!("expected the message, got {other:?}"),
    }
    let reply = send(&bob, conv, "b1", "hi alice").await;
    assert_eq!(
        message_seq(a_ws.next_event().await),
        2,
        "alice's own message, echoed"
    );
    assert_eq!(message_seq(a_ws.next_event().await), reply.seq);

    // A reader's cursor reaches their other devices.
    let _: () = bob
        .call("mark_read", json!({"conversation_id": conv, "seq": 3}))
        .await
        .unwrap();
    assert_eq!(message_seq(b_ws.next_event().await), 3);
    assert_eq!(
        b_ws.next_event().await,
        Some(ServerEvent::ReadCursor {
            conversation_id: ConversationId(conv),
            seq: 3
        })
    );
    // Alice sent what bob read: her devices get a read-receipts hint.
    assert_eq!(
        a_ws.next_event().await,
        Some(ServerEvent::ReadReceipts {
            conversation_id: ConversationId(conv)
        })
    );
    // Heartbeat.
    a_ws.send(&ClientFrame::Ping { nonce: 7 }).await;
    assert_eq!(
        a_ws.next_event().await,
        Some(ServerEvent::Pong { nonce: 7 })
    );
}

async fn every_device_receives_each_message_once(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob_phone = server.signed_up("bob").await;
    let conv = befriend(&alice, &bob_phone).await;
    let bob_laptop = server.client();
    bob_laptop.log_in("bob", PASSWORD).await.unwrap();
    let bob_tablet = server.client();
    bob_tablet.log_in("bob", PASSWORD).await.unwrap();
    let alice_laptop = server.client();
    alice_laptop.log_in("alice", PASSWORD).await.unwrap();

    let mut sockets = vec![
        bob_phone.ws().await,
        bob_laptop.ws().await,
        bob_tablet.ws().await,
        alice_laptop.ws().await,
    ];
    let eve = server.signed_up("eve").await;
    let mut eve_ws = eve.ws().await;

    for i in 1..=3 {
        send(&alice, conv, &format!("m{i}"), "to every device").await;
    }
    // A retried send is not delivered twice.
    send(&alice, conv, "m3", "to every device").await;
    for ws in &mut sockets {
        // After the friends-now notice (seq 1, sent before these sockets opened).
        for seq in 2..=4 {
            assert_eq!(message_seq(ws.next_event().await), seq);
        }
        ws.expect_silence(200).await;
    }
    eve_ws.expect_silence(100).await;
}

async fn a_reconnecting_client_gets_exactly_what_it_missed(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = befriend(&alice, &bob).await;
    let mut ws = bob.ws().await;
    send(&alice, conv, "m1", "one").await;
    send(&alice, conv, "m2", "two").await;
    // Seq 1 is the friends-now notice.
    assert_eq!(message_seq(ws.next_event().await), 2);
    assert_eq!(message_seq(ws.next_event().await), 3);
    drop(ws);

    for i in 3..=7 {
        send(&alice, conv, &format!("m{i}"), "while away").await;
    }
    let mut ws = bob.ws().await;
    ws.send(&ClientFrame::Resume {
        lists: None,
        cursors: vec![
            Cursor {
                conversation_id: ConversationId(conv),
                seq: 3,
            },
            // Someone else's conversation: skipped, nothing leaks.
            Cursor {
                conversation_id: ConversationId(999_999),
                seq: 0,
            },
        ],
    })
    .await;
    for seq in 4..=8 {
        assert_eq!(message_seq(ws.next_event().await), seq);
    }
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::Resumed {
            conversation_id: ConversationId(conv),
            seq: 8
        })
    );
    ws.expect_silence(200).await;
    // Live delivery continues after the resume.
    send(&alice, conv, "m8", "back").await;
    assert_eq!(message_seq(ws.next_event().await), 9);

    // A gap larger than one resume may carry asks for a resync instead.
    drop(ws);
    let limit = shared::event::MAX_RESUME_MESSAGES;
    for i in 0..=limit {
        send(&alice, conv, &format!("bulk{i}"), "bulk").await;
    }
    let mut ws = bob.ws().await;
    ws.send(&ClientFrame::Resume {
        lists: None,
        cursors: vec![Cursor {
            conversation_id: ConversationId(conv),
            seq: 9,
        }],
    })
    .await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::Resync {
            conversation_id: Some(ConversationId(conv))
        })
    );
}

async fn sockets_need_a_session_and_the_same_site(server: TestServer) {
    let anon = server.client();
    assert_eq!(anon.ws_with(&[]).await.err(), Some(401));
    let alice = server.signed_up("alice").await;
    assert_eq!(
        alice
            .ws_with(&[("origin", "http://evil.example")])
            .await
            .err(),
        Some(403),
        "a cross-site page cannot open a socket with the user's cookie"
    );
    let origin = server.base.clone();
    let mut ws = alice.ws_with(&[("origin", &origin)]).await.unwrap();
    ws.send(&ClientFrame::Ping { nonce: 1 }).await;
    assert_eq!(ws.next_event().await, Some(ServerEvent::Pong { nonce: 1 }));
}

async fn ending_a_session_closes_its_socket(server: TestServer) {
    let phone = server.signed_up("alice").await;
    let laptop = server.client();
    laptop.log_in("alice", PASSWORD).await.unwrap();
    let mut phone_ws = phone.ws().await;
    let mut laptop_ws = laptop.ws().await;
    let sessions: Vec<SessionInfo> = phone.call("list_sessions", json!({})).await.unwrap();
    let other = sessions.iter().find(|s| !s.current).unwrap().id;
    phone
        .call::<()>("revoke_session", json!({"session_id": other}))
        .await
        .unwrap();
    assert_eq!(
        laptop_ws.next_event().await,
        None,
        "the revoked device's socket closes"
    );
    phone_ws.send(&ClientFrame::Ping { nonce: 2 }).await;
    assert_eq!(
        phone_ws.next_event().await,
        Some(ServerEvent::Pong { nonce: 2 })
    );
    phone.call::<()>("log_out", json!({})).await.unwrap();
    assert_eq!(
        phone_ws.next_event().await,
        None,
        "logging out closes the socket"
    );
}

/// The digest of what `c`'s first screen would show now.
async fn lists_digest(c: &Client) -> String {
    let conversations: Vec<ConversationSummary> =
        c.call("list_conversations", json!({})).await.unwrap();
    let requests: Vec<FriendRequest> = c.call("list_friend_requests", json!({})).await.unwrap();
    let group_requests: Vec<GroupRequest> = c
        .call("list_pending_group_requests", json!({}))
        .await
        .unwrap();
    shared::event::lists_digest(&conversations, &requests, &group_requests)
}

async fn a_page_learns_whether_its_lists_are_still_current(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let rendered = lists_digest(&alice).await;

    // Nothing changed since the page was rendered: its lists are current, and that is all.
    let mut ws = alice.ws().await;
    ws.send(&ClientFrame::Resume {
        cursors: Vec::new(),
        lists: Some(rendered.clone()),
    })
    .await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::ListsChecked { current: true })
    );
    ws.expect_silence(200).await;
    drop(ws);

    // A friend request arrives between the render and the connection: not current.
    let alice_id = alice.me().await.unwrap().id;
    let _: FriendRequest = bob
        .call(
            "send_friend_request",
            json!({"user_id": alice_id, "note": "hi"}),
        )
        .await
        .unwrap();
    let mut ws = alice.ws().await;
    ws.send(&ClientFrame::Resume {
        cursors: Vec::new(),
        lists: Some(rendered),
    })
    .await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::ListsChecked { current: false })
    );
    // The fresh lists' digest is current again.
    ws.send(&ClientFrame::Resume {
        cursors: Vec::new(),
        lists: Some(lists_digest(&alice).await),
    })
    .await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::ListsChecked { current: true })
    );

    // Someone else's digest tells nothing about their lists: it is just not current here.
    let mut bobs = bob.ws().await;
    bobs.send(&ClientFrame::Resume {
        cursors: Vec::new(),
        lists: Some(lists_digest(&alice).await),
    })
    .await;
    assert_eq!(
        bobs.next_event().await,
        Some(ServerEvent::ListsChecked { current: false })
    );
    // A digest longer than any real one is refused as a bad frame.
    bobs.send(&ClientFrame::Resume {
        cursors: Vec::new(),
        lists: Some("f".repeat(shared::event::MAX_LISTS_DIGEST + 1)),
    })
    .await;
    assert_eq!(
        bobs.next_event().await,
        Some(ServerEvent::Error {
            code: "bad_frame".into()
        })
    );
}
