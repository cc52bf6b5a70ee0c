//! The assistant: every user opens a chat with it and gets answers from the table
//! administrators keep, or from a configured chat-completions endpoint (a fake one here), with
//! a translated apology when neither can answer.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{AssistantAnswer, ConversationSummary, Friend, Message, MessageBody};
use shared::rights::ROLE_ADMIN;
use tokio::sync::Mutex;

use crate::harness::{Backend, Client, PASSWORD, TestServer, Ws};

crate::on_both_backends!(
    every_account_starts_with_its_assistant_chat,
    accounts_from_before_get_theirs_at_start,
    the_assistant_answers_from_its_table,
    administrators_keep_the_table,
    the_assistant_forwards_to_an_endpoint,
    accounts_made_at_the_same_moment_share_one_assistant,
);

async fn admin(server: &TestServer) -> Client {
    server.create_user("root", ROLE_ADMIN).await;
    let c = server.client();
    c.log_in("root", PASSWORD).await.unwrap();
    c
}

/// The text of the next message `from` sends, after a "typing…" from it when `typing`.
async fn reply(ws: &mut Ws, from: UserId, typing: bool) -> String {
    let mut typed = false;
    loop {
        match ws.next_event().await {
            Some(ServerEvent::Typing { user_id, .. }) if user_id == from => typed = true,
            // The greeting may still be on its way when the socket opens.
            Some(ServerEvent::Message { message })
                if message
                    .client_msg_id
                    .as_deref()
                    .is_some_and(|k| k.starts_with("assistant-welcome")) => {}
            Some(ServerEvent::Message { message }) if message.sender_id == Some(from) => {
                assert!(typed || !typing, "no typing… before {message:?}");
                match message.body {
                    MessageBody::Text { text } => return text,
                    other => panic!("not text: {other:?}"),
                }
            }
            Some(_) => {}
            None => panic!("the connection closed"),
        }
    }
}

/// Opens the caller's chat with the assistant: `(conversation, assistant)`.
async fn open(c: &Client) -> (i64, UserId) {
    let conversation: i64 = c.call("open_assistant_chat", json!({})).await.unwrap();
    let messages: Vec<Message> = c
        .call("list_messages", json!({"conversation_id": conversation}))
        .await
        .unwrap();
    let welcome = messages.first().expect("a greeting");
    (conversation, welcome.sender_id.unwrap())
}

/// The caller's chat with the assistant as their chat list shows it.
async fn assistant_chat(c: &Client) -> Option<ConversationSummary> {
    let list: Vec<ConversationSummary> = c.call("list_conversations", json!({})).await.unwrap();
    list.into_iter()
        .find(|s| s.title == server::repo::assistant::NAME)
}

async fn every_account_starts_with_its_assistant_chat(server: TestServer) {
    // Signed up: the chat is there at once, greeted, with nothing unread.
    let amy = server.signed_up("amy").await;
    let list: Vec<ConversationSummary> = amy.call("list_conversations", json!({})).await.unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let chat = &list[0];
    assert_eq!(chat.title, server::repo::assistant::NAME);
    assert_eq!((chat.last_seq, chat.read_seq, chat.unread), (1, 1, 0));
    assert!(matches!(
        chat.last_message.as_ref().map(|m| &m.body),
        Some(MessageBody::Text { text }) if text.contains("Parley Assistant")
    ));
    let friends: Vec<Friend> = amy.call("list_friends", json!({})).await.unwrap();
    assert_eq!(friends.len(), 1);
    assert_eq!(Some(friends[0].user_id), chat.peer_id);
    assert_eq!(friends[0].conversation_id, chat.id);
    // Opening it from Discover finds the same chat, still greeted once.
    let opened: i64 = amy.call("open_assistant_chat", json!({})).await.unwrap();
    assert_eq!(opened, chat.id.0);
    let messages: Vec<Message> = amy
        .call("list_messages", json!({"conversation_id": opened}))
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    // It answers the very first question.
    let mut ws = amy.ws().await;
    amy.send_text(opened, "first", "How do I add a friend?")
        .await
        .unwrap();
    let assistant = chat.peer_id.unwrap();
    assert!(
        reply(&mut ws, assistant, false)
            .await
            .contains("Add friend")
    );

    // An account an administrator makes has one too, and so does each demo account.
    let root = admin(&server).await;
    let _: Value = root
        .call(
            "admin_create_user",
            json!({"username": "bob", "password": PASSWORD}),
        )
        .await
        .unwrap();
    let bob = server.client();
    bob.log_in("bob", PASSWORD).await.unwrap();
    let bobs = assistant_chat(&bob)
        .await
        .expect("bob's chat with the assistant");
    assert_eq!(bobs.peer_id, Some(assistant));
    assert_ne!(bobs.id, chat.id);
    assert!(assistant_chat(&root).await.is_some());
    // Removing it from one's contacts does not bring it back, and Discover opens it again.
    amy.call::<()>("remove_friend", json!({"user_id": assistant}))
        .await
        .unwrap();
    assert!(amy.people().await.is_empty());
    let friends: Vec<Friend> = amy.call("list_friends", json!({})).await.unwrap();
    assert!(friends.is_empty());
    assert_eq!(
        server::assistant::backfill(&server.db, &server.state.assistant)
            .await
            .unwrap(),
        0
    );
    let again: i64 = amy.call("open_assistant_chat", json!({})).await.unwrap();
    assert_eq!(again, chat.id.0);
    let friends: Vec<Friend> = amy.call("list_friends", json!({})).await.unwrap();
    assert_eq!(friends.len(), 1);
}

async fn accounts_from_before_get_theirs_at_start(server: TestServer) {
    let amy = server.signed_up("amy").await;
    // An account stored the way accounts were before each got its chat: Amy's password and
    // role, no chat.
    let made: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            diesel::sql_query(
                "INSERT INTO users (username, password_hash, nickname, signature, provider, \
                 created_at, updated_at) SELECT 'old', password_hash, 'Old', '', 'local', 0, 0 \
                 FROM users WHERE username = 'amy'",
            )
            .execute(conn)
            .await?;
            Ok(diesel::sql_query(
                "INSERT INTO user_roles (user_id, role_id) SELECT o.id, r.role_id \
                 FROM users o, users a JOIN user_roles r ON r.user_id = a.id \
                 WHERE o.username = 'old' AND a.username = 'amy'",
            )
            .execute(conn)
            .await?)
        })
    }
    .await;
    assert_eq!(made.unwrap(), 1);
    let old = server.client();
    old.log_in("old", PASSWORD).await.unwrap();
    assert!(assistant_chat(&old).await.is_none());

    // What the server does when it starts.
    let given = server::assistant::backfill(&server.db, &server.state.assistant)
        .await
        .unwrap();
    assert_eq!(given, 1, "only the old account lacked one");
    let chat = assistant_chat(&old).await.expect("given at start");
    assert_eq!((chat.last_seq, chat.unread), (1, 0));
    let amys = assistant_chat(&amy).await.unwrap();
    assert_eq!(amys.last_seq, 1, "amy's was not touched");
    // Once given, never again.
    assert_eq!(
        server::assistant::backfill(&server.db, &server.state.assistant)
            .await
            .unwrap(),
        0
    );
}

async fn the_assistant_answers_from_its_table(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let (chat, assistant) = open(&amy).await;
    // Opening again finds the same chat, greeted once.
    let again: i64 = amy.call("open_assistant_chat", json!({})).await.unwrap();
    assert_eq!(again, chat);
    let messages: Vec<Message> = amy
        .call("list_messages", json!({"conversation_id": chat}))
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert!(
        matches!(&messages[0].body, MessageBody::Text { text } if text.contains("Parley Assistant"))
    );
    // The assistant is a bot among Amy's contacts.
    let me: shared::model::Me = amy.me().await.unwrap();
    assert_ne!(me.id, assistant);

    let mut ws = amy.ws().await;
    // The table that comes with Parley, by keyword, in either language.
    amy.send_text(chat, "q1", "How do I add a friend?")
        .await
        .unwrap();
    // "Typing…" first (repeated at most every few seconds per chat), then the answer.
    let text = reply(&mut ws, assistant, true).await;
    assert!(text.contains("Contacts › Add friend"), "{text}");
    amy.send_text(chat, "q2", "怎么建群聊？").await.unwrap();
    let text = reply(&mut ws, assistant, false).await;
    assert!(text.contains("发起群聊"), "{text}");
    // By a question close enough, without its keywords.
    amy.send_text(chat, "q3", "how can i take back a message")
        .await
        .unwrap();
    let text = reply(&mut ws, assistant, false).await;
    assert!(text.contains("Recall"), "{text}");
    // Nothing fits: an apology in the message's language.
    amy.send_text(chat, "q4", "What's the weather like?")
        .await
        .unwrap();
    assert!(
        reply(&mut ws, assistant, false)
            .await
            .starts_with("Sorry, I don't know")
    );
    amy.send_text(chat, "q5", "今天天气怎么样").await.unwrap();
    assert!(reply(&mut ws, assistant, false).await.starts_with("抱歉"));
    // A picture is not read.
    let media = amy
        .upload("a.png", "image/png", crate::media_files::png(8, 8))
        .await
        .unwrap();
    amy.send_body(chat, "q6", json!({"type": "image", "media_id": media.id}))
        .await
        .unwrap();
    assert!(
        reply(&mut ws, assistant, false)
            .await
            .contains("I can only read text")
    );

    // Its answers are stored like any message: once each, in the chat's history.
    let history: Vec<Message> = amy
        .call("list_messages", json!({"conversation_id": chat}))
        .await
        .unwrap();
    let from_it = history
        .iter()
        .filter(|m| m.sender_id == Some(assistant))
        .count();
    assert_eq!(from_it, 7, "the greeting and six answers");
    // The assistant answers people, not itself, and not in groups.
    let bob = server.signed_up("bob").await;
    let (bob_chat, same) = open(&bob).await;
    assert_eq!(same, assistant);
    assert_ne!(bob_chat, chat);
}

async fn administrators_keep_the_table(server: TestServer) {
    let root = admin(&server).await;
    let amy = server.signed_up("amy").await;
    let shipped: Vec<AssistantAnswer> = root
        .call("admin_list_assistant_answers", json!({}))
        .await
        .unwrap();
    assert_eq!(shipped.len(), 4);
    assert!(shipped[0].keywords.contains(&"加好友".to_owned()));

    let saved: AssistantAnswer = root
        .call(
            "admin_save_assistant_answer",
            json!({"keywords": [" Invite ", "invite", "邀请"], "question": "How do I invite people?", "answer": "Share a link from the group page."}),
        )
        .await
        .unwrap();
    assert_eq!(saved.keywords, ["Invite", "邀请"]);
    let (chat, assistant) = open(&amy).await;
    let mut ws = amy.ws().await;
    amy.send_text(chat, "i1", "can I invite my team?")
        .await
        .unwrap();
    assert_eq!(
        reply(&mut ws, assistant, true).await,
        "Share a link from the group page."
    );
    // Changed, then deleted: the answers follow.
    let changed: AssistantAnswer = root
        .call(
            "admin_save_assistant_answer",
            json!({"id": saved.id, "keywords": ["邀请"], "question": "", "answer": "在群页面分享链接。"}),
        )
        .await
        .unwrap();
    assert_eq!(changed.id, saved.id);
    amy.send_text(chat, "i2", "怎么邀请同事").await.unwrap();
    assert_eq!(reply(&mut ws, assistant, false).await, "在群页面分享链接。");
    let _: Value = root
        .call("admin_delete_assistant_answer", json!({"id": saved.id}))
        .await
        .unwrap();
    amy.send_text(chat, "i3", "怎么邀请同事").await.unwrap();
    assert!(reply(&mut ws, assistant, false).await.starts_with("抱歉"));
    assert_eq!(
        root.call::<Value>("admin_delete_assistant_answer", json!({"id": saved.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    // Both changes are in the audit log.
    for action in ["save_assistant_answer", "delete_assistant_answer"] {
        let log: Vec<Value> = root
            .call(
                "admin_audit_log",
                json!({"action": action, "target": saved.id}),
            )
            .await
            .unwrap();
        assert!(!log.is_empty(), "{action}");
        assert_eq!(log[0]["target_kind"], "assistant_answer");
    }

    // People may not touch it; bad entries change nothing.
    assert_eq!(
        amy.call::<Value>("admin_list_assistant_answers", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    for (body, field, why) in [
        (json!({"answer": "x"}), "question", Invalid::Required),
        (
            json!({"keywords": ["k"], "answer": ""}),
            "answer",
            Invalid::Required,
        ),
        (
            json!({"keywords": ["k".repeat(33)], "answer": "a"}),
            "keywords",
            Invalid::TooLong,
        ),
        (
            json!({"keywords": ["k"], "answer": "a".repeat(2001)}),
            "answer",
            Invalid::TooLong,
        ),
    ] {
        assert_eq!(
            root.call::<Value>("admin_save_assistant_answer", body)
                .await
                .unwrap_err(),
            (422, AppError::invalid(field, why))
        );
    }
    let after: Vec<AssistantAnswer> = root
        .call("admin_list_assistant_answers", json!({}))
        .await
        .unwrap();
    assert_eq!(after, shipped);
}

/// What the fake endpoint got: the request bodies and Authorization headers.
type Seen = Arc<Mutex<Vec<(Value, Option<String>)>>>;

/// A fake chat-completions endpoint answering `reply`, or failing with 500 once `fail` is set.
async fn fake_endpoint(fail: Arc<std::sync::atomic::AtomicBool>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post({
            let seen = seen.clone();
            move |headers: HeaderMap, body: String| {
                let seen = seen.clone();
                let fail = fail.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    seen.lock()
                        .await
                        .push((serde_json::from_str(&body).unwrap(), auth));
                    if fail.load(std::sync::atomic::Ordering::SeqCst) {
                        return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
                    }
                    let answer = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": " From the model. "}}]});
                    (StatusCode::OK, answer.to_string())
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, seen)
}

async fn the_assistant_forwards_to_an_endpoint(server: TestServer) {
    let backend = if server.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (base, seen) = fake_endpoint(fail.clone()).await;
    let server = TestServer::start_configured(backend, |c| {
        c.assistant = server::assistant::AssistantConfig {
            url: Some(base.clone()),
            model: "test-model".into(),
            api_key: Some("k-123".into()),
        };
    })
    .await
    .unwrap();
    let amy = server.signed_up("amy").await;
    let (chat, assistant) = open(&amy).await;
    let mut ws = amy.ws().await;
    amy.send_text(chat, "m1", "Explain Parley in one line")
        .await
        .unwrap();
    assert_eq!(reply(&mut ws, assistant, true).await, "From the model.");
    {
        let seen = seen.lock().await;
        let (body, auth) = seen.last().unwrap();
        assert_eq!(auth.as_deref(), Some("Bearer k-123"));
        assert_eq!(body["model"], "test-model");
        let turns = body["messages"].as_array().unwrap();
        assert_eq!(turns[0]["role"], "system");
        assert_eq!(turns[1]["role"], "assistant", "the greeting");
        let last = turns.last().unwrap();
        assert_eq!(last["role"], "user");
        assert_eq!(last["content"], "Explain Parley in one line");
    }
    // The endpoint fails: the table's answer if one fits, else an apology.
    fail.store(true, std::sync::atomic::Ordering::SeqCst);
    amy.send_text(chat, "m2", "How do I change my password?")
        .await
        .unwrap();
    assert!(
        reply(&mut ws, assistant, false)
            .await
            .contains("Change password")
    );
    amy.send_text(chat, "m3", "讲个笑话").await.unwrap();
    assert_eq!(
        reply(&mut ws, assistant, false).await,
        "抱歉，助手暂时无法回答，请稍后再试。"
    );
    assert_eq!(seen.lock().await.len(), 3);
}

async fn accounts_made_at_the_same_moment_share_one_assistant(server: TestServer) {
    // Every sign-up makes the assistant if it is not there yet (and the start-up's backfill may
    // be making it too): all of them succeed, and all talk to the same one.
    let names: Vec<String> = (0..8).map(|i| format!("rush{i}")).collect();
    futures_util::future::join_all(names.iter().map(|name| server.create_user(name, "user"))).await;
    let mut peers = Vec::new();
    for name in &names {
        let c = server.client();
        c.log_in(name, PASSWORD).await.unwrap();
        let list: Vec<ConversationSummary> = c.call("list_conversations", json!({})).await.unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].title, server::repo::assistant::NAME);
        peers.push(list[0].peer_id);
    }
    peers.dedup();
    assert_eq!(peers.len(), 1, "{peers:?}");
}
