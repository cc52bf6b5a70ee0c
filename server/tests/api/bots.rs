//! Bots: made by a user, driven by a program with `Authorization: Bearer <token>` on the same
//! functions and on `/ws`; chatted with by anyone without a friend request; added to groups by
//! their owner; refused what people alone may do; their tokens replaced or ended at once.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, ORIGIN};
use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{Bot, BotWithToken, GroupInfo, IncomingWebhook, Me, Message, MessageBody};

use crate::harness::{Client, Failure, PASSWORD, TestServer, Ws};

crate::on_both_backends!(
    a_bot_is_driven_with_its_token_over_http_and_websocket,
    bots_are_refused_what_only_people_may_do,
    a_bot_token_is_replaced_or_ended_at_once,
    an_upgrade_grants_create_bot_to_the_roles_that_have_it_by_default,
    an_incoming_webhook_posts_into_its_group_as_its_bot,
    an_incoming_webhook_posts_into_a_direct_chat,
);

/// A program holding a bot's token.
struct BotClient {
    http: Client,
    token: String,
}

impl BotClient {
    fn new(server: &TestServer, token: &str) -> Self {
        Self {
            http: server.client(),
            token: token.to_owned(),
        }
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", self.token)).unwrap(),
        );
        h
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        body: Value,
    ) -> Result<T, Failure> {
        self.http.call_with(name, body, self.headers()).await
    }

    async fn send(&self, conversation: i64, id: &str, text: &str) -> Result<Message, Failure> {
        self.call(
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": id, "body": {"type": "text", "text": text}}),
        )
        .await
    }

    async fn ws(&self) -> Result<Ws, u16> {
        let auth = format!("Bearer {}", self.token);
        self.http.ws_with(&[("authorization", &auth)]).await
    }
}

async fn create_bot(owner: &Client, name: &str) -> BotWithToken {
    owner
        .call(
            "create_bot",
            json!({"name": name, "description": "Forecasts 天气预报"}),
        )
        .await
        .unwrap()
}

/// The next message event's text, skipping other events and the echo of the socket's own
/// sends (`me`).
async fn next_text(ws: &mut Ws, me: Option<UserId>) -> (i64, String) {
    loop {
        match ws.next_event().await {
            Some(ServerEvent::Message { message }) if message.sender_id != me || me.is_none() => {
                if let MessageBody::Text { text } = message.body {
                    return (message.conversation_id.0, text);
                }
            }
            Some(_) => {}
            None => panic!("the connection closed"),
        }
    }
}

async fn a_bot_is_driven_with_its_token_over_http_and_websocket(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let made = create_bot(&amy, "Weather 天气").await;
    assert!(made.token.len() >= 40, "{}", made.token);
    assert!(
        made.bot.username.starts_with("bot_"),
        "{}",
        made.bot.username
    );
    assert_eq!(made.bot.name, "Weather 天气");
    assert_eq!(made.bot.description, "Forecasts 天气预报");
    let chat = made.bot.conversation_id.expect("the owner's chat").0;
    let listed: Vec<Bot> = amy.call("list_bots", json!({})).await.unwrap();
    assert_eq!(listed, vec![made.bot.clone()]);

    let bot = BotClient::new(&server, &made.token);
    let me: Me = bot.call("current_user", json!({})).await.unwrap();
    assert_eq!(me.id, made.bot.bot_id);
    assert!(me.rights.iter().any(|r| r == "speak"));
    assert!(!me.rights.iter().any(|r| r == "admin" || r == "add_friend"));

    // The owner and the bot talk in both directions, live.
    let mut amy_ws = amy.ws().await;
    let mut bot_ws = bot.ws().await.unwrap();
    bot.send(chat, "b1", "Sunny, 25 °C").await.unwrap();
    assert_eq!(
        next_text(&mut amy_ws, None).await,
        (chat, "Sunny, 25 °C".to_owned())
    );
    amy.send_text(chat, "a1", "And tomorrow?").await.unwrap();
    assert_eq!(
        next_text(&mut bot_ws, Some(made.bot.bot_id)).await,
        (chat, "And tomorrow?".to_owned())
    );

    // Anyone opens a chat with the bot without a friend request.
    let bob = server.signed_up("bob").await;
    let with_bob: i64 = bob
        .call("open_bot_chat", json!({"bot_id": made.bot.bot_id}))
        .await
        .unwrap();
    let again: i64 = bob
        .call("open_bot_chat", json!({"bot_id": made.bot.bot_id}))
        .await
        .unwrap();
    assert_eq!(again, with_bob);
    bob.send_text(with_bob, "b1", "Weather in Beijing?")
        .await
        .unwrap();
    assert_eq!(
        next_text(&mut bot_ws, Some(made.bot.bot_id)).await,
        (with_bob, "Weather in Beijing?".to_owned())
    );
    bot.send(with_bob, "b2", "Cloudy").await.unwrap();

    // The owner adds the bot to a group; it posts there.
    let group: GroupInfo = amy
        .call(
            "create_group",
            json!({"name": "Trips", "member_ids": [made.bot.bot_id]}),
        )
        .await
        .unwrap();
    let posted = bot
        .send(group.conversation_id.0, "b3", "Rain at 3 pm")
        .await
        .unwrap();
    assert_eq!(posted.sender_id, Some(made.bot.bot_id));

    // A program on another site's page may use the token (no cookie: no cross-site check).
    let mut foreign = bot.headers();
    foreign.insert(
        ORIGIN,
        HeaderValue::from_static("https://elsewhere.example"),
    );
    let _: Message = bot
        .http
        .call_with(
            "send_message",
            json!({"conversation_id": chat, "client_msg_id": "b4", "body": {"type": "text", "text": "ok"}}),
            foreign,
        )
        .await
        .unwrap();
}

async fn bots_are_refused_what_only_people_may_do(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let made = create_bot(&amy, "Helper").await;
    let bot = BotClient::new(&server, &made.token);
    let bob_id = bob.me().await.unwrap().id;

    assert_eq!(
        bot.call::<Value>("admin_list_users", json!({}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        bot.call::<Value>(
            "send_friend_request",
            json!({"user_id": bob_id, "note": ""})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        bot.call::<Value>("create_bot", json!({"name": "Child"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        bot.call::<Value>("create_group", json!({"name": "Mine", "member_ids": []}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    assert_eq!(
        bot.call::<Value>("open_bot_chat", json!({"bot_id": made.bot.bot_id}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("bot_id", Invalid::WrongKind))
    );
    // People chat with a bot; they do not befriend it.
    assert_eq!(
        bob.call::<Value>(
            "send_friend_request",
            json!({"user_id": made.bot.bot_id, "note": ""})
        )
        .await
        .unwrap_err(),
        (422, AppError::invalid("user_id", Invalid::WrongKind))
    );
    // A bot has no password to log in with.
    let device = server.client();
    assert_eq!(
        device
            .log_in(&made.bot.username, PASSWORD)
            .await
            .unwrap_err(),
        (401, AppError::InvalidCredentials)
    );
    // Only a real bot opens a bot chat.
    assert_eq!(
        amy.call::<Value>("open_bot_chat", json!({"bot_id": bob_id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    // Bad names change nothing.
    for (body, field, why) in [
        (json!({"name": ""}), "name", Invalid::Required),
        (json!({"name": "x".repeat(33)}), "name", Invalid::TooLong),
        (
            json!({"name": "two\nlines"}),
            "name",
            Invalid::BadCharacters,
        ),
        (
            json!({"name": "ok", "description": "d".repeat(201)}),
            "description",
            Invalid::TooLong,
        ),
    ] {
        assert_eq!(
            amy.call::<Value>("create_bot", body).await.unwrap_err(),
            (422, AppError::invalid(field, why))
        );
    }
    let listed: Vec<Bot> = amy.call("list_bots", json!({})).await.unwrap();
    assert_eq!(listed.len(), 1);
    // Twenty bots per owner.
    for i in 1..20 {
        create_bot(&amy, &format!("Bot {i}")).await;
    }
    assert_eq!(
        amy.call::<Value>("create_bot", json!({"name": "One too many"}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("bots", Invalid::OutOfRange))
    );
    // Another user's bots are not theirs to manage.
    let theirs: Vec<Bot> = bob.call("list_bots", json!({})).await.unwrap();
    assert!(theirs.is_empty());
    for call in ["regenerate_bot_token", "delete_bot"] {
        assert_eq!(
            bob.call::<Value>(call, json!({"bot_id": made.bot.bot_id}))
                .await
                .unwrap_err(),
            (404, AppError::NotFound),
            "{call}"
        );
    }
}

async fn a_bot_token_is_replaced_or_ended_at_once(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let made = create_bot(&amy, "Rotating").await;
    let old = BotClient::new(&server, &made.token);
    let mut old_ws = old.ws().await.unwrap();

    let fresh: BotWithToken = amy
        .call("regenerate_bot_token", json!({"bot_id": made.bot.bot_id}))
        .await
        .unwrap();
    assert_ne!(fresh.token, made.token);
    assert_eq!(fresh.bot.bot_id, made.bot.bot_id);
    assert_eq!(old_ws.close_code().await, Some(4001));
    assert_eq!(
        old.call::<Value>("current_user", json!({})).await.unwrap(),
        Value::Null,
        "the old token is nobody now"
    );
    assert_eq!(
        old.send(made.bot.conversation_id.unwrap().0, "x", "still here?")
            .await
            .unwrap_err(),
        (401, AppError::Unauthenticated)
    );
    assert_eq!(old.ws().await.err(), Some(401));
    let new = BotClient::new(&server, &fresh.token);
    let me: Me = new.call("current_user", json!({})).await.unwrap();
    assert_eq!(me.id, made.bot.bot_id);
    let mut new_ws = new.ws().await.unwrap();

    // Deleted: the token ends, the bot is gone from its owner's list and nobody chats with it.
    let _: Value = amy
        .call("delete_bot", json!({"bot_id": made.bot.bot_id}))
        .await
        .unwrap();
    assert_eq!(new_ws.close_code().await, Some(4001));
    assert_eq!(
        new.call::<Value>("current_user", json!({})).await.unwrap(),
        Value::Null
    );
    let listed: Vec<Bot> = amy.call("list_bots", json!({})).await.unwrap();
    assert!(listed.is_empty());
    let bob = server.signed_up("bob").await;
    assert_eq!(
        bob.call::<Value>("open_bot_chat", json!({"bot_id": made.bot.bot_id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
}

async fn an_upgrade_grants_create_bot_to_the_roles_that_have_it_by_default(server: TestServer) {
    // A database from before bots: no `create_bot` right at all.
    let removed: Result<usize, server::db::DbError> = async {
        use diesel_async::RunQueryDsl;
        server::db_run!(&server.db, |conn| {
            diesel::sql_query(
                "DELETE FROM role_rights WHERE right_id IN \
                 (SELECT id FROM rights WHERE key_name = 'create_bot')",
            )
            .execute(conn)
            .await?;
            Ok(
                diesel::sql_query("DELETE FROM rights WHERE key_name = 'create_bot'")
                    .execute(conn)
                    .await?,
            )
        })
    }
    .await;
    assert_eq!(removed.unwrap(), 1);
    let amy = server.signed_up("amy").await;
    assert_eq!(
        amy.call::<Value>("create_bot", json!({"name": "Early"}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );
    // The new version starts: the right is made and `user` (and `admin`) get it; `mute` not.
    server::repo::rbac::ensure_builtins(&server.db, 0)
        .await
        .unwrap();
    server
        .state
        .hub
        .invalidate(server::cache::Invalidation::AllSessions);
    create_bot(&amy, "Now").await;
    let roles: Vec<shared::model::RoleInfo> = {
        server.create_user("root", shared::rights::ROLE_ADMIN).await;
        let root = server.client();
        root.log_in("root", PASSWORD).await.unwrap();
        root.call("admin_list_roles", json!({})).await.unwrap()
    };
    let holds = |key: &str| {
        roles
            .iter()
            .find(|r| r.key == key)
            .is_some_and(|r| r.rights.iter().any(|x| x == "create_bot"))
    };
    assert!(holds("user") && holds("admin"));
    assert!(!holds("mute") && !holds("bot") && !holds("disabled"));
}

async fn an_incoming_webhook_posts_into_its_group_as_its_bot(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    amy.befriend(&bob).await;
    amy.befriend(&carl).await;
    let bob_id = bob.me().await.unwrap().id;
    let carl_id = carl.me().await.unwrap().id;
    let group: GroupInfo = amy
        .call(
            "create_group",
            json!({"name": "Builds", "member_ids": [bob_id, carl_id]}),
        )
        .await
        .unwrap();
    let conversation = group.conversation_id.0;
    // Bob becomes an admin of the group; Carl stays a plain member.
    let _: Value = amy
        .call(
            "set_group_admin",
            json!({"group_id": group.id, "user_id": bob_id, "admin": true}),
        )
        .await
        .unwrap();
    assert_eq!(
        carl.call::<Value>(
            "create_incoming_webhook",
            json!({"conversation_id": conversation, "name": "CI"})
        )
        .await
        .unwrap_err(),
        (403, AppError::Forbidden)
    );
    let hook: IncomingWebhook = bob
        .call(
            "create_incoming_webhook",
            json!({"conversation_id": conversation, "name": "CI 构建"}),
        )
        .await
        .unwrap();
    let url = hook.url.clone().expect("the URL, once");
    assert!(url.contains("/hooks/"), "{url}");
    let listed: Vec<IncomingWebhook> = amy
        .call(
            "list_incoming_webhooks",
            json!({"conversation_id": conversation}),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].url, None, "never shown again");
    assert_eq!(listed[0].created_by_name, "bob");

    // Posting: as the hook's bot, to every member, live; a retry with the same id posts once.
    let mut carl_ws = carl.ws().await;
    let http = reqwest::Client::new();
    let post = |body: Value| http.post(&url).json(&body).send();
    let res = post(json!({"text": "Build #12 passed ✅", "client_msg_id": "build-12"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let first: Message = res.json().await.unwrap();
    assert_eq!(first.sender_id, Some(hook.bot_id));
    assert_eq!(
        next_text(&mut carl_ws, Some(carl_id)).await,
        (conversation, "Build #12 passed ✅".to_owned())
    );
    let again: Message = post(json!({"text": "Build #12 passed ✅", "client_msg_id": "build-12"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    let body: Message = post(json!({"body": {"type": "text", "text": "Deployed"}}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body.sender_id, Some(hook.bot_id));
    // Bad calls change nothing.
    for bad in [json!({}), json!({"text": ""}), json!({"texts": "x"})] {
        let res = post(bad.clone()).await.unwrap();
        assert!(
            res.status() == 400 || res.status() == 422,
            "{bad}: {}",
            res.status()
        );
    }
    let wrong = http
        .post(url.replace("/hooks/", "/hooks/x"))
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    let huge = http
        .post(&url)
        .json(&json!({"text": "x".repeat(70_000)}))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);

    // Deleted: the URL stops and the bot leaves the group.
    let _: Value = amy
        .call("delete_incoming_webhook", json!({"webhook_id": hook.id}))
        .await
        .unwrap();
    let gone = post(json!({"text": "still?"})).await.unwrap();
    assert_eq!(gone.status(), 404);
    // Guessing tokens from one address is cut off before any lookup (a burst of 60 calls).
    let mut refused = None;
    for i in 0..80 {
        let res = http
            .post(format!("{}/hooks/guess{i}", server.base))
            .json(&json!({"text": "hi"}))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            refused = Some(res);
            break;
        }
        assert_eq!(res.status(), 404);
    }
    let refused = refused.expect("guesses are refused once the address is over its limit");
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited", "{body}");
    let listed: Vec<IncomingWebhook> = amy
        .call(
            "list_incoming_webhooks",
            json!({"conversation_id": conversation}),
        )
        .await
        .unwrap();
    assert!(listed.is_empty());
    assert_eq!(
        carl.call::<Value>("delete_incoming_webhook", json!({"webhook_id": hook.id}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
}

async fn an_incoming_webhook_posts_into_a_direct_chat(server: TestServer) {
    let amy = server.signed_up("amy").await;
    let dora = server.signed_up("dora").await;
    let eve = server.signed_up("eve").await;
    let amy_id = amy.me().await.unwrap().id;
    let dora_id = dora.me().await.unwrap().id;
    let direct = amy.befriend(&dora).await;
    let create = |c: &Client, name: &str| {
        let (c, name) = (c.clone(), name.to_owned());
        async move {
            c.call::<IncomingWebhook>(
                "create_incoming_webhook",
                json!({"conversation_id": direct, "name": name}),
            )
            .await
        }
    };
    // Only the two people in it.
    assert_eq!(
        create(&eve, "Spy").await.unwrap_err(),
        (404, AppError::NotFound)
    );
    let hook = create(&dora, "Alerts 告警").await.unwrap();
    let url = hook.url.clone().unwrap();

    // It posts as its bot; both people get it live; neither chat list mistakes it for the
    // friend.
    let mut amy_ws = amy.ws().await;
    let http = reqwest::Client::new();
    let res = http
        .post(&url)
        .json(&json!({"text": "Disk 91% full"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let posted: Message = res.json().await.unwrap();
    assert_eq!(posted.sender_id, Some(hook.bot_id));
    assert_eq!(
        next_text(&mut amy_ws, Some(amy_id)).await,
        (direct, "Disk 91% full".to_owned())
    );
    for (who, peer) in [(&amy, dora_id), (&dora, amy_id)] {
        let list: Vec<Value> = who.call("list_conversations", json!({})).await.unwrap();
        let chat = list
            .iter()
            .find(|c| c["id"] == json!(direct))
            .expect("the chat is listed");
        assert_eq!(chat["peer_id"], json!(peer), "{chat}");
        assert_eq!(chat["kind"], "direct");
    }
    // The friend's read receipt is the only one waited for: the bot never reads.
    let _: Value = dora
        .call(
            "mark_read",
            json!({"conversation_id": direct, "seq": posted.seq}),
        )
        .await
        .unwrap();
    let receipts: Value = amy
        .call("get_read_receipts", json!({"conversation_id": direct}))
        .await
        .unwrap();
    assert_eq!(receipts["cursors"], json!([posted.seq]));

    // Either person lists and deletes it.
    let listed: Vec<IncomingWebhook> = amy
        .call("list_incoming_webhooks", json!({"conversation_id": direct}))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].created_by_name, "dora");
    assert_eq!(
        eve.call::<Value>("list_incoming_webhooks", json!({"conversation_id": direct}))
            .await
            .unwrap_err(),
        (404, AppError::NotFound)
    );
    let _: Value = amy
        .call("delete_incoming_webhook", json!({"webhook_id": hook.id}))
        .await
        .unwrap();
    let gone = http
        .post(&url)
        .json(&json!({"text": "still?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);

    // A hook of a chat whose two people are no longer friends cannot post.
    let second = create(&amy, "Deploys").await.unwrap();
    let _: Value = dora
        .call("remove_friend", json!({"user_id": amy_id}))
        .await
        .unwrap();
    let refused = http
        .post(second.url.unwrap())
        .json(&json!({"text": "deployed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        create(&amy, "Again").await.unwrap_err(),
        (404, AppError::NotFound)
    );
}
