//! Hostile clients: oversized and slow requests, replay amplification, huge lists, floods of
//! sends and connections. Each attack is refused with a clear error and the server stays
//! healthy for everyone else.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::auth::limits::{LimitConfig, Rate};
use shared::AppError;
use shared::event::{ClientFrame, Cursor, ServerEvent};
use shared::ids::ConversationId;
use shared::model::{GroupInfo, MessageBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{Backend, PASSWORD, TestServer, test_limits};

crate::on_both_backends!(a_resume_is_answered_once_per_conversation_and_rate_limited);

/// The raw answer to `POST /api/<name>` with `body`: status and JSON.
async fn post_raw(server: &TestServer, name: &str, body: reqwest::Body) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/{name}", server.base))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_bodies_over_64_kib_are_refused_as_too_large() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let padding = "x".repeat(100 * 1024);
    let body = json!({"username": "mallory", "password": PASSWORD, "pad": padding}).to_string();
    let (status, err) = post_raw(&server, "sign_up", body.clone().into()).await;
    assert_eq!((status, err), (413, json!({"code": "too_large"})));

    // The same without a declared length: cut off once 64 KiB have arrived.
    let chunks: Vec<Result<String, std::io::Error>> = body
        .as_bytes()
        .chunks(8 * 1024)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let (status, err) = post_raw(&server, "sign_up", streamed).await;
    assert_eq!((status, err), (413, json!({"code": "too_large"})));
    assert!(
        server.client().log_in("mallory", PASSWORD).await.is_err(),
        "nothing was created"
    );

    // A long password that fits is wrong without being hashed at length.
    server.signed_up("walter").await;
    let long = "p".repeat(60 * 1024);
    let (status, err) = server.client().log_in("walter", &long).await.unwrap_err();
    assert_eq!((status, err), (401, AppError::InvalidCredentials));
    assert_eq!(
        server.client().me().await,
        None,
        "the server still answers normally"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_trickle_their_requests_are_cut_off() {
    let server = TestServer::start_configured(Backend::Sqlite, |config| {
        config.connections.read_timeout = Duration::from_secs(1);
    })
    .await
    .unwrap();
    let addr = server.base.trim_start_matches("http://").to_owned();

    // Headers that never end: the connection is closed once the deadline passes.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: parley\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was closed");
    assert!(started.elapsed() < Duration::from_secs(4));

    // A connection that sends nothing at all, and one kept alive after a request and then
    // left idle: both closed once the deadline passes.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "an idle connection was closed");
    let mut kept = tokio::net::TcpStream::connect(&addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), kept.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "a kept-alive idle connection was closed");
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));

    // A body that never arrives: answered 408 once the deadline passes.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(
        b"POST /api/log_in HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    let answer = String::from_utf8_lossy(&buf);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#"{"code":"timeout"}"#), "{answer}");

    // Meanwhile everyone else is served.
    let res = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn a_resume_is_answered_once_per_conversation_and_rate_limited(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conversation = alice.befriend(&bob).await;
    for i in 0..60 {
        bob.send_text(conversation, &format!("m{i}"), &"字".repeat(2000))
            .await
            .unwrap();
    }
    let mut ws = alice.ws().await;
    // 500 copies of one cursor: one answer.
    let cursors = vec![
        Cursor {
            conversation_id: ConversationId(conversation),
            seq: 0,
        };
        500
    ];
    ws.send(&ClientFrame::Resume {
        lists: None,
        cursors: cursors.clone(),
    })
    .await;
    // The friends-now notice (seq 1), then the 60 messages.
    for seq in 1..=61 {
        match ws.next_event().await {
            Some(ServerEvent::Message { message }) => assert_eq!(message.seq, seq),
            other => panic!("expected message {seq}, got {other:?}"),
        }
    }
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::Resumed {
            conversation_id: ConversationId(conversation),
            seq: 61
        })
    );
    ws.expect_silence(300).await;

    // Four more resumes are answered; the sixth within the minute is refused.
    let up_to_date = vec![Cursor {
        conversation_id: ConversationId(conversation),
        seq: 61,
    }];
    for _ in 0..4 {
        ws.send(&ClientFrame::Resume {
            lists: None,
            cursors: up_to_date.clone(),
        })
        .await;
        assert!(matches!(
            ws.next_event().await,
            Some(ServerEvent::Resumed { seq: 61, .. })
        ));
    }
    ws.send(&ClientFrame::Resume {
        cursors,
        lists: None,
    })
    .await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::Error {
            code: "rate_limited".into()
        })
    );
    // The connection stays usable.
    ws.send(&ClientFrame::Ping { nonce: 9 }).await;
    assert_eq!(ws.next_event().await, Some(ServerEvent::Pong { nonce: 9 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_replays_at_most_its_budget_then_asks_for_resync() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let alice = server.signed_up("alice").await;
    let mut conversations = Vec::new();
    let mut senders = Vec::new();
    for i in 0..6 {
        let friend = server.signed_up(&format!("friend{i}")).await;
        conversations.push(alice.befriend(&friend).await);
        senders.push(friend.me().await.unwrap().id);
    }
    // 200 messages in each (the friends-now notice and 199 more): 1,200 in all, more than one
    // resume replays.
    let body = MessageBody::Text {
        text: "hello".into(),
    };
    for (conversation, sender) in conversations.iter().zip(&senders) {
        for i in 0..199 {
            server::repo::messages::insert(
                &server.db,
                ConversationId(*conversation),
                *sender,
                &format!("fill-{i}"),
                &body,
                i,
            )
            .await
            .unwrap();
        }
    }
    let mut ws = alice.ws().await;
    let cursors = conversations
        .iter()
        .map(|c| Cursor {
            conversation_id: ConversationId(*c),
            seq: 0,
        })
        .collect();
    ws.send(&ClientFrame::Resume {
        cursors,
        lists: None,
    })
    .await;
    let mut messages = 0;
    let mut resumed = Vec::new();
    let mut resync = Vec::new();
    while resumed.len() + resync.len() < conversations.len() {
        match ws.next_event().await {
            Some(ServerEvent::Message { .. }) => messages += 1,
            Some(ServerEvent::Resumed {
                conversation_id,
                seq,
            }) => {
                assert_eq!(seq, 200);
                resumed.push(conversation_id.0);
            }
            Some(ServerEvent::Resync {
                conversation_id: Some(c),
            }) => resync.push(c.0),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(messages, 1_000);
    assert_eq!(resumed, conversations[..5].to_vec());
    assert_eq!(resync, vec![conversations[5]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_member_lists_are_refused_before_any_work() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let owner = server.signed_up("owner").await;
    let friend = server.signed_up("friend").await;
    owner.befriend(&friend).await;
    let friend_id = friend.me().await.unwrap().id.0;

    let started = Instant::now();
    let ids: Vec<i64> = (1..=200_000).collect();
    let body = json!({"name": "big", "member_ids": ids}).to_string();
    let res = owner
        .http
        .post(format!("{}/api/create_group", owner.base))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    let ids: Vec<i64> = (1..=9_000).collect();
    let err = owner
        .call::<Value>("create_group", json!({"name": "big", "member_ids": ids}))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (
            422,
            AppError::invalid("member_ids", shared::error::Invalid::TooLong)
        )
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused at once ({:?})",
        started.elapsed()
    );

    // A list of one friend repeated is one member.
    let group: GroupInfo = owner
        .call(
            "create_group",
            json!({"name": "small", "member_ids": vec![friend_id; 900]}),
        )
        .await
        .unwrap();
    assert_eq!(group.members.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websockets_are_capped_per_user_and_per_node() {
    let server = TestServer::start_configured(Backend::Sqlite, |config| {
        config.connections.max_websockets_per_user = 3;
        config.connections.max_websockets = 5;
    })
    .await
    .unwrap();
    let alice = server.signed_up("alice").await;
    let mut first = alice.ws().await;
    let _second = alice.ws().await;
    let _third = alice.ws().await;
    let _fourth = alice.ws().await;
    assert_eq!(first.close_code().await, Some(4003), "the oldest made room");

    let bob = server.signed_up("bob").await;
    let _b1 = bob.ws().await;
    // Once alice's first connection has ended (within its two-second closing handshake):
    // 3 + 1 live, room for one more.
    let mut waited = 0;
    while server.state.hub.live_count() != 4 && waited < 200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
    }
    let _b2 = bob.ws().await;
    let refused = bob.ws_with(&[]).await.err();
    assert_eq!(refused, Some(503), "the node is full");
    let res = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "HTTP is still served");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_member_is_refused_and_disconnects_nobody() {
    let server = TestServer::start_with(Backend::Sqlite, LimitConfig::default())
        .await
        .unwrap();
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carol = server.signed_up("carol").await;
    alice.befriend(&bob).await;
    alice.befriend(&carol).await;
    let ids = vec![bob.me().await.unwrap().id, carol.me().await.unwrap().id];
    let group: GroupInfo = alice
        .call("create_group", json!({"name": "crowd", "member_ids": ids}))
        .await
        .unwrap();
    let conversation = group.conversation_id.0;
    let mut carol_ws = carol.ws().await;

    let mut accepted = 0;
    let mut refused = 0;
    for i in 0..400 {
        match alice
            .send_text(conversation, &format!("flood-{i}"), "spam")
            .await
        {
            Ok(_) => accepted += 1,
            Err((429, AppError::RateLimited { retry_after_secs })) => {
                assert!(retry_after_secs >= 1);
                refused += 1;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert!((30..60).contains(&accepted), "{accepted} accepted");
    assert_eq!(accepted + refused, 400);
    // Carol received every accepted message (and the notice of the group's creation), and was
    // neither told to resync nor disconnected.
    let mut got = 0;
    while got < accepted {
        match carol_ws.next_event().await {
            Some(ServerEvent::Message { message }) => {
                if matches!(message.body, MessageBody::Text { .. }) {
                    got += 1;
                }
            }
            Some(ServerEvent::Resync { .. }) | None => panic!("carol was cut off"),
            Some(_) => {}
        }
    }
    // Bob still sends.
    bob.send_text(conversation, "bob-1", "hello").await.unwrap();

    // Alice is still held to her rate (a few sends may have come back meanwhile, one every
    // 100 ms), and a refusal says when to try again.
    let mut refusal = None;
    for i in 0..100 {
        let res = alice
            .http
            .post(format!("{}/api/send_message", alice.base))
            .json(&json!({"conversation_id": conversation, "client_msg_id": format!("x{i}"), "body": {"type": "text", "text": "x"}}))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            refusal = Some(res);
            break;
        }
        assert_eq!(res.status(), 200);
        assert!(i < 40, "more sends than the burst came back");
    }
    let refusal = refusal.expect("refused again");
    assert!(refusal.headers().get("retry-after").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_group_creation_and_searches_are_rate_limited_per_user() {
    let two = Rate {
        burst: 2,
        period: Duration::from_secs(600),
    };
    let limits = LimitConfig {
        friend_requests: two,
        join_requests: two,
        group_creations: two,
        searches: two,
        ..test_limits()
    };
    let server = TestServer::start_with(Backend::Sqlite, limits)
        .await
        .unwrap();
    let alice = server.signed_up("alice").await;
    let mut others = Vec::new();
    for i in 0..3 {
        let other = server.signed_up(&format!("other{i}")).await;
        others.push(other.me().await.unwrap().id);
    }
    let limited = |r: Result<Value, (u16, AppError)>| matches!(r, Err((429, AppError::RateLimited { retry_after_secs })) if retry_after_secs > 0);
    for (i, other) in others.iter().enumerate() {
        let r = alice
            .call::<Value>("send_friend_request", json!({"user_id": other, "note": ""}))
            .await;
        assert_eq!(limited(r), i == 2, "friend request {i}");
    }
    for i in 0..3 {
        let r = alice
            .call::<Value>("search_users", json!({"query": "other"}))
            .await;
        assert_eq!(limited(r), i == 2, "search {i}");
    }
    let group_ids: Vec<GroupInfo> = {
        let mut made = Vec::new();
        for i in 0..3 {
            let r = alice
                .call::<GroupInfo>(
                    "create_group",
                    json!({"name": format!("g{i}"), "member_ids": []}),
                )
                .await;
            match r {
                Ok(g) => made.push(g),
                Err(e) => {
                    assert_eq!(i, 2);
                    assert!(limited(Err(e)));
                }
            }
        }
        made
    };
    assert_eq!(group_ids.len(), 2);
    let dave = server.signed_up("dave").await;
    for i in 0..3 {
        let group = &group_ids[i % 2];
        let r = dave
            .call::<Value>(
                "request_join_group",
                json!({"group_id": group.id, "note": ""}),
            )
            .await;
        assert_eq!(limited(r.clone()), i == 2, "join request {i}: {r:?}");
    }
    // Someone else is not affected by alice's limits.
    let _: Value = dave
        .call("search_users", json!({"query": "alice"}))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_flooded_with_frames_is_closed() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let alice = server.signed_up("alice").await;
    let mut ws = alice.ws().await;
    ws.send_text("not json".into()).await;
    assert_eq!(
        ws.next_event().await,
        Some(ServerEvent::Error {
            code: "bad_frame".into()
        })
    );
    for _ in 0..server::realtime::socket::MAX_FRAMES + 10 {
        ws.send_text("{}".into()).await;
    }
    assert_eq!(ws.close_code().await, Some(1008));
    // Her other devices and the server are fine.
    let mut again = alice.ws().await;
    again.send(&ClientFrame::Ping { nonce: 1 }).await;
    assert_eq!(
        again.next_event().await,
        Some(ServerEvent::Pong { nonce: 1 })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_of_a_user_counts_against_a_backstop_limit() {
    let limits = LimitConfig {
        calls: Rate {
            burst: 5,
            period: Duration::from_secs(600),
        },
        ..test_limits()
    };
    let server = TestServer::start_with(Backend::Sqlite, limits)
        .await
        .unwrap();
    let alice = server.signed_up("alice").await;
    // Signing up was anonymous; these five calls are hers.
    for _ in 0..5 {
        let _: Value = alice.call("list_conversations", json!({})).await.unwrap();
    }
    let err = alice
        .call::<Value>("list_conversations", json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, (429, AppError::RateLimited { .. })),
        "{err:?}"
    );
    // Someone else, and the pages, are unaffected.
    let bob = server.signed_up("bob").await;
    let _: Value = bob.call("list_conversations", json!({})).await.unwrap();
    let page = alice
        .http
        .get(format!("{}/login", alice.base))
        .send()
        .await
        .unwrap();
    assert_ne!(page.status(), 429);
}
