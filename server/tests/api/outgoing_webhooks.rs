//! Bots' outgoing webhooks: each new message in a bot's conversations, and each change to one,
//! is posted to its URL, signed with its secret, once, in order, retried after failures and across a restart; the
//! delivery log shows each; URLs into the server's own network are refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use shared::AppError;
use shared::error::Invalid;
use shared::model::{BotWebhook, BotWithToken, DeliveryStatus, MessageBody, WebhookDelivery};
use tokio::sync::Mutex;

use crate::harness::{Backend, PASSWORD, TestServer};

crate::on_both_backends!(
    a_webhook_gets_each_message_signed_once_in_order_after_failures,
    a_webhook_hears_of_edits_reactions_and_recalls_after_the_message,
    queued_deliveries_survive_a_restart,
    webhook_urls_and_owners_are_checked,
);

/// One post the receiver got.
#[derive(Debug, Clone)]
struct Post {
    headers: HeaderMap,
    body: String,
    accepted: bool,
}

/// A local HTTP receiver that refuses its first `fail_first` posts with 500.
struct Receiver {
    url: String,
    posts: Arc<Mutex<Vec<Post>>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Self {
        let posts: Arc<Mutex<Vec<Post>>> = Arc::default();
        let seen = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post({
                let posts = posts.clone();
                move |headers: HeaderMap, body: String| {
                    let posts = posts.clone();
                    let seen = seen.clone();
                    async move {
                        let accepted = seen.fetch_add(1, Ordering::SeqCst) >= fail_first;
                        posts.lock().await.push(Post {
                            headers,
                            body,
                            accepted,
                        });
                        if accepted {
                            StatusCode::NO_CONTENT
                        } else {
                            StatusCode::INTERNAL_SERVER_ERROR
                        }
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, posts }
    }

    /// The texts of the accepted posts, once there are `n` (waits up to 30 s).
    async fn accepted_texts(&self, n: usize) -> Vec<String> {
        for _ in 0..300 {
            let texts: Vec<String> = self
                .posts
                .lock()
                .await
                .iter()
                .filter(|p| p.accepted)
                .map(|p| text_of(&p.body))
                .collect();
            if texts.len() >= n {
                return texts;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got fewer than {n} accepted posts");
    }
}

fn text_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    let message: shared::model::Message = serde_json::from_value(v["message"].clone()).unwrap();
    match message.body {
        MessageBody::Text { text } => text,
        other => format!("{other:?}"),
    }
}

fn expected_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// A group of Amy, Bob and the bot (Amy and Bob become friends); its conversation.
async fn relay_room(
    amy: &crate::harness::Client,
    bob: &crate::harness::Client,
    bot: shared::ids::UserId,
) -> i64 {
    let bob_id = bob.me().await.unwrap().id;
    amy.befriend(bob).await;
    let group: shared::model::GroupInfo = amy
        .call(
            "create_group",
            json!({"name": "Relay room", "member_ids": [bob_id, bot]}),
        )
        .await
        .unwrap();
    group.conversation_id.0
}

async fn make_bot(owner: &crate::harness::Client) -> BotWithToken {
    owner
        .call("create_bot", json!({"name": "Relay", "description": ""}))
        .await
        .unwrap()
}

async fn a_webhook_gets_each_message_signed_once_in_order_after_failures(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let made = make_bot(&amy).await;
    let bot = made.bot.bot_id;
    let chat = made.bot.conversation_id.unwrap().0;
    // Said before the webhook is set: never posted.
    amy.send_text(chat, "old", "before the webhook")
        .await
        .unwrap();
    let receiver = Receiver::start(2).await;
    let hook: Option<BotWebhook> = amy
        .call(
            "set_bot_webhook",
            json!({"bot_id": bot, "url": receiver.url}),
        )
        .await
        .unwrap();
    let hook = hook.unwrap();
    assert_eq!(hook.url, receiver.url);
    assert!(hook.secret.len() >= 40);
    let listed: Vec<shared::model::Bot> = amy.call("list_bots", json!({})).await.unwrap();
    assert_eq!(
        listed[0].webhook_url.as_deref(),
        Some(receiver.url.as_str())
    );

    for i in 1..=3 {
        amy.send_text(chat, &format!("m{i}"), &format!("message {i}"))
            .await
            .unwrap();
    }
    // The bot's own sends are not posted back to it.
    let bot_headers = bearer(&made.token);
    let _: Value = amy
        .call_with(
            "send_message",
            json!({"conversation_id": chat, "client_msg_id": "b1", "body": {"type": "text", "text": "from the bot"}}),
            bot_headers,
        )
        .await
        .unwrap();
    amy.send_text(chat, "m4", "message 4").await.unwrap();

    let texts = receiver.accepted_texts(4).await;
    assert_eq!(
        texts,
        ["message 1", "message 2", "message 3", "message 4"],
        "in order, once each"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let posts = receiver.posts.lock().await.clone();
    assert_eq!(posts.iter().filter(|p| p.accepted).count(), 4, "no repeats");
    // Two refusals of the first event, then it and the rest.
    assert_eq!(posts.len(), 6);
    let first_id = posts[0].headers["x-parley-delivery"].clone();
    assert_eq!(posts[1].headers["x-parley-delivery"], first_id);
    assert_eq!(posts[2].headers["x-parley-delivery"], first_id);
    for post in &posts {
        assert_eq!(
            post.headers["x-parley-signature"].to_str().unwrap(),
            expected_signature(&hook.secret, &post.body)
        );
        assert_eq!(post.headers["x-parley-event"], "message");
        assert!(post.headers.contains_key("x-parley-timestamp"));
        let v: Value = serde_json::from_str(&post.body).unwrap();
        assert_eq!(v["type"], "message");
        assert_eq!(v["bot_id"], bot.0);
        assert_eq!(
            v["delivery_id"],
            post.headers["x-parley-delivery"].to_str().unwrap()
        );
    }

    // The log, newest first: four delivered, the first after three attempts.
    let log: Vec<WebhookDelivery> = amy
        .call("list_bot_webhook_deliveries", json!({"bot_id": bot}))
        .await
        .unwrap();
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Delivered));
    assert_eq!(log[3].attempts, 3);
    assert_eq!(log[3].last_status_code, Some(204));
    assert_eq!(log[0].attempts, 1);
    let page: Vec<WebhookDelivery> = amy
        .call(
            "list_bot_webhook_deliveries",
            json!({"bot_id": bot, "before_id": log[1].id, "limit": 1}),
        )
        .await
        .unwrap();
    assert_eq!(page, vec![log[2].clone()]);

    // Removed: nothing more is posted.
    let removed: Option<BotWebhook> = amy
        .call("set_bot_webhook", json!({"bot_id": bot, "url": null}))
        .await
        .unwrap();
    assert_eq!(removed, None);
    amy.send_text(chat, "m5", "after removal").await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.posts.lock().await.len(), 6);
}

/// The `(type, message)` of each accepted post, once there are `n` (waits up to 30 s).
async fn accepted_events(receiver: &Receiver, n: usize) -> Vec<(String, shared::model::Message)> {
    for _ in 0..300 {
        let events: Vec<(String, shared::model::Message)> = receiver
            .posts
            .lock()
            .await
            .iter()
            .filter(|p| p.accepted)
            .map(|p| {
                let v: Value = serde_json::from_str(&p.body).unwrap();
                assert_eq!(p.headers["x-parley-event"], v["type"].as_str().unwrap());
                (
                    v["type"].as_str().unwrap().to_owned(),
                    serde_json::from_value(v["message"].clone()).unwrap(),
                )
            })
            .collect();
        if events.len() >= n {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the receiver got fewer than {n} accepted posts");
}

async fn a_webhook_hears_of_edits_reactions_and_recalls_after_the_message(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let made = make_bot(&amy).await;
    let bot = made.bot.bot_id;
    let room = relay_room(&amy, &bob, bot).await;
    // Sent before the webhook is set: not posted (a later change to it is).
    let early = bob.send_text(room, "e1", "early").await.unwrap();
    // A receiver that refuses its first post: the changes wait behind the message.
    let receiver = Receiver::start(1).await;
    let hook: Option<BotWebhook> = amy
        .call(
            "set_bot_webhook",
            json!({"bot_id": bot, "url": receiver.url}),
        )
        .await
        .unwrap();
    let hook = hook.unwrap();
    let sent = bob.send_text(room, "b1", "draft").await.unwrap();
    let react = |c: &crate::harness::Client, headers: Option<reqwest::header::HeaderMap>| {
        let c = c.clone();
        let body = json!({"message_id": sent.id, "emoji": "👍", "on": true});
        async move {
            match headers {
                Some(h) => c.call_with::<Value>("react_message", body, h).await,
                None => c.call::<Value>("react_message", body).await,
            }
        }
    };
    react(&amy, None).await.unwrap();
    let _: Value = bob
        .call(
            "edit_message",
            json!({"message_id": sent.id, "text": "final"}),
        )
        .await
        .unwrap();
    // The bot's own reaction is not posted back to it.
    react(&amy, Some(bearer(&made.token))).await.unwrap();
    let events = accepted_events(&receiver, 3).await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].0, "message");
    assert_eq!(events[0].1.id, sent.id);
    // Each change carries the message as it is when it is posted.
    for (kind, message) in &events[1..] {
        assert_eq!(kind, "message_changed");
        assert_eq!(message.id, sent.id);
        assert_eq!(message.seq, sent.seq);
    }
    let last = &events[2].1;
    assert!(matches!(&last.body, MessageBody::Text { text } if text == "final"));
    assert!(last.edited_at.is_some());

    // The owner recalls it, and an old message is changed: both posted, in that order.
    let _: Value = amy
        .call("recall_message", json!({"message_id": sent.id}))
        .await
        .unwrap();
    let _: Value = bob
        .call(
            "edit_message",
            json!({"message_id": early.id, "text": "early, edited"}),
        )
        .await
        .unwrap();
    let events = accepted_events(&receiver, 5).await;
    assert_eq!(events[3].0, "message_changed");
    assert_eq!(events[3].1.id, sent.id);
    assert!(matches!(events[3].1.body, MessageBody::Recalled { .. }));
    assert_eq!(events[4].1.id, early.id);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let posts = receiver.posts.lock().await.clone();
    assert_eq!(posts.iter().filter(|p| p.accepted).count(), 5, "each once");
    for post in &posts {
        assert_eq!(
            post.headers["x-parley-signature"].to_str().unwrap(),
            expected_signature(&hook.secret, &post.body)
        );
    }
    let log: Vec<WebhookDelivery> = amy
        .call("list_bot_webhook_deliveries", json!({"bot_id": bot}))
        .await
        .unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].event, "message_changed");
    assert_eq!(log[4].event, "message");

    // A change made while no webhook is set is never posted.
    let _: Option<BotWebhook> = amy
        .call("set_bot_webhook", json!({"bot_id": bot, "url": null}))
        .await
        .unwrap();
    let again = Receiver::start(0).await;
    let _: Value = bob
        .call(
            "edit_message",
            json!({"message_id": early.id, "text": "while unset"}),
        )
        .await
        .unwrap();
    let _: Option<BotWebhook> = amy
        .call("set_bot_webhook", json!({"bot_id": bot, "url": again.url}))
        .await
        .unwrap();
    bob.send_text(room, "b2", "after").await.unwrap();
    let events = accepted_events(&again, 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let events_now = accepted_events(&again, 1).await;
    assert_eq!(events_now.len(), 1, "{events_now:?}");
    assert_eq!(events[0].0, "message");
}

fn bearer(token: &str) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    h
}

async fn queued_deliveries_survive_a_restart(mut server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let made = make_bot(&amy).await;
    let bot = made.bot.bot_id;
    // The bot is in a group with Amy and Bob, as well as in Amy's chat with it.
    let room = relay_room(&amy, &bob, bot).await;
    // A receiver that is down: every post fails.
    let down = Receiver::start(usize::MAX).await;
    let _: Option<BotWebhook> = amy
        .call("set_bot_webhook", json!({"bot_id": bot, "url": down.url}))
        .await
        .unwrap();
    amy.send_text(room, "a1", "one").await.unwrap();
    bob.send_text(room, "b1", "two").await.unwrap();
    amy.send_text(made.bot.conversation_id.unwrap().0, "a2", "three")
        .await
        .unwrap();
    // Wait for the first failed attempt: the three are queued.
    for _ in 0..100 {
        if !down.posts.lock().await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!down.posts.lock().await.is_empty());

    // Restart; meanwhile the receiver comes back at a new address.
    server.restart().await;
    let amy = server.client();
    amy.log_in("amy", PASSWORD).await.unwrap();
    let up = Receiver::start(0).await;
    let _: Option<BotWebhook> = amy
        .call("set_bot_webhook", json!({"bot_id": bot, "url": up.url}))
        .await
        .unwrap();
    let texts = up.accepted_texts(3).await;
    assert_eq!(texts, ["one", "two", "three"]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(up.posts.lock().await.len(), 3, "each once");
    let log: Vec<WebhookDelivery> = amy
        .call("list_bot_webhook_deliveries", json!({"bot_id": bot}))
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Delivered));
    // The head was tried before the restart too; the rest waited behind it.
    assert!(log[2].attempts >= 2, "{log:?}");
}

async fn webhook_urls_and_owners_are_checked(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let made = make_bot(&amy).await;
    let bot = made.bot.bot_id;
    for (url, why) in [
        ("", Invalid::Required),
        ("ftp://example.com/x", Invalid::BadCharacters),
        ("not a url", Invalid::BadCharacters),
        ("http://user:pw@example.com/", Invalid::BadCharacters),
    ] {
        assert_eq!(
            amy.call::<Value>("set_bot_webhook", json!({"bot_id": bot, "url": url}))
                .await
                .unwrap_err(),
            (422, AppError::invalid("url", why)),
            "{url}"
        );
    }
    let long = format!("https://example.com/{}", "a".repeat(2100));
    assert_eq!(
        amy.call::<Value>("set_bot_webhook", json!({"bot_id": bot, "url": long}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("url", Invalid::TooLong))
    );
    // Not Bob's bot; a bot's own token may not set it either.
    assert_eq!(
        bob.call::<Value>(
            "set_bot_webhook",
            json!({"bot_id": bot, "url": "http://127.0.0.1:9/x"})
        )
        .await
        .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        bob.call::<Value>("list_bot_webhook_deliveries", json!({"bot_id": bot}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        amy.call_with::<Value>(
            "set_bot_webhook",
            json!({"bot_id": bot, "url": "http://127.0.0.1:9/x"}),
            bearer(&made.token),
        )
        .await
        .unwrap_err(),
        (404, AppError::NotFound)
    );
    assert_eq!(
        amy.call::<Value>(
            "list_bot_webhook_deliveries",
            json!({"bot_id": bot, "limit": 101})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("limit", Invalid::OutOfRange))
    );

    // A server that does not allow private addresses refuses them, by address or by name.
    let backend = if server.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let strict = TestServer::start_configured(backend, |c| c.webhook_allow_private = false)
        .await
        .unwrap();
    let cy = strict.signed_up("cyd").await;
    let theirs = make_bot(&cy).await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/",
        "http://localhost:3000/hook",
    ] {
        assert_eq!(
            cy.call::<Value>(
                "set_bot_webhook",
                json!({"bot_id": theirs.bot.bot_id, "url": url})
            )
            .await
            .unwrap_err(),
            (422, AppError::invalid("url", Invalid::OutOfRange)),
            "{url}"
        );
    }
    let listed: Vec<shared::model::Bot> = cy.call("list_bots", json!({})).await.unwrap();
    assert_eq!(listed[0].webhook_url, None, "nothing was set");
}
