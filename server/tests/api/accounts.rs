//! Sign-up, log-in, profile and password.

use serde_json::{Value, json};
use shared::AppError;
use shared::error::Invalid;
use shared::model::Me;
use shared::rights::{ROLE_DISABLED, ROLE_MUTE};

use crate::harness::{PASSWORD, TestServer};

crate::on_both_backends!(
    sign_up_logs_in_with_the_user_role,
    duplicate_username_is_refused,
    bad_passwords_and_usernames_change_nothing,
    wrong_password_and_unknown_user_look_the_same,
    disabled_cannot_log_in_but_muted_can,
    profile_updates_and_validates,
    change_password_checks_the_old_one_and_ends_other_sessions,
    log_out_invalidates_the_token,
    role_change_takes_effect_on_the_next_request,
    sign_up_takes_an_optional_nickname,
);

async fn sign_up_takes_an_optional_nickname(server: TestServer) {
    let sign_up = |username: &str, nickname: Value| {
        let c = server.client();
        let body = json!({"username": username, "password": PASSWORD, "nickname": nickname});
        async move { c.call::<Me>("sign_up", body).await }
    };
    let me = sign_up("xiaoming", json!("  小明 ")).await.unwrap();
    assert_eq!(me.nickname, "小明", "trimmed");
    let me = sign_up("blank", json!("   ")).await.unwrap();
    assert_eq!(me.nickname, "blank", "a blank nickname is the username");
    let me = sign_up("nothing", Value::Null).await.unwrap();
    assert_eq!(me.nickname, "nothing");
    let err = sign_up("toolong", json!("长".repeat(33)))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (422, AppError::invalid("nickname", Invalid::TooLong)),
        "refused before the account exists"
    );
    let taken = server.client();
    let ok: Me = taken
        .call(
            "sign_up",
            json!({"username": "toolong", "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(
        ok.nickname, "toolong",
        "the refused sign-up created nothing"
    );
}

async fn sign_up_logs_in_with_the_user_role(server: TestServer) {
    let c = server.client();
    let me: Me = c
        .call(
            "sign_up",
            json!({"username": "  Alice ", "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(me.username, "alice", "trimmed and lower-cased");
    assert_eq!(me.nickname, "alice");
    assert_eq!(me.roles, vec!["user"]);
    assert_eq!(
        me.rights,
        vec![
            "add_friend",
            "create_bot",
            "create_group",
            "login",
            "speak",
            "upload"
        ]
    );
    // The cookie was set: the same client is logged in.
    assert_eq!(c.me().await.unwrap().id, me.id);
    // A fresh client is not.
    assert!(server.client().me().await.is_none());
    // And the user can log in elsewhere.
    let other = server.client();
    let again: Me = serde_json::from_value(other.log_in("alice", PASSWORD).await.unwrap()).unwrap();
    assert_eq!(again.id, me.id);
}

async fn duplicate_username_is_refused(server: TestServer) {
    server.signed_up("bob").await;
    let err = server
        .client()
        .call::<Value>(
            "sign_up",
            json!({"username": "BOB", "password": "another password"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (409, AppError::UsernameTaken));
}

async fn bad_passwords_and_usernames_change_nothing(server: TestServer) {
    let c = server.client();
    let cases = [
        (
            json!({"username": "carol", "password": "short"}),
            AppError::invalid("password", Invalid::TooShort),
        ),
        (
            json!({"username": "carol", "password": ""}),
            AppError::invalid("password", Invalid::Required),
        ),
        (
            json!({"username": "carol", "password": "password1"}),
            AppError::invalid("password", Invalid::Weak),
        ),
        (
            json!({"username": "", "password": PASSWORD}),
            AppError::invalid("username", Invalid::Required),
        ),
        (
            json!({"username": "x y", "password": PASSWORD}),
            AppError::invalid("username", Invalid::BadCharacters),
        ),
    ];
    for (body, expected) in cases {
        let err = c.call::<Value>("sign_up", body.clone()).await.unwrap_err();
        assert_eq!(err, (422, expected), "{body}");
    }
    assert!(c.me().await.is_none());
    // Nothing was created: carol cannot log in, and may still sign up.
    assert_eq!(
        c.log_in("carol", "short").await.unwrap_err(),
        (401, AppError::InvalidCredentials)
    );
    server.signed_up("carol").await;
    // A malformed request is a typed error too.
    let err = c
        .call::<Value>("sign_up", json!({"username": "dave"}))
        .await
        .unwrap_err();
    assert_eq!(err.0, 400);
    assert!(matches!(err.1, AppError::BadRequest { .. }));
    // So is a body that is not JSON, or not UTF-8, and it creates nothing either.
    let pass = PASSWORD.as_bytes();
    let bodies: [Vec<u8>; 2] = [
        [b"{\"username\":\"dave\",\"password\":\"".as_slice(), pass].concat(),
        [
            b"{\"username\":\"dave\xff\",\"password\":\"".as_slice(),
            pass,
            b"\"}",
        ]
        .concat(),
    ];
    for body in bodies {
        let res = c
            .http
            .post(format!("{}/api/sign_up", c.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 400);
        let err: AppError = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        assert!(matches!(err, AppError::BadRequest { .. }), "{err:?}");
    }
    assert_eq!(
        c.log_in("dave", PASSWORD).await.unwrap_err(),
        (401, AppError::InvalidCredentials)
    );
}

async fn wrong_password_and_unknown_user_look_the_same(server: TestServer) {
    server.signed_up("erin").await;
    let c = server.client();
    assert_eq!(
        c.log_in("erin", "not the password").await.unwrap_err(),
        (401, AppError::InvalidCredentials)
    );
    assert_eq!(
        c.log_in("nobody", PASSWORD).await.unwrap_err(),
        (401, AppError::InvalidCredentials)
    );
    assert!(c.me().await.is_none());
}

async fn disabled_cannot_log_in_but_muted_can(server: TestServer) {
    server.create_user("disabled", ROLE_DISABLED).await;
    server.create_user("muteuser", ROLE_MUTE).await;
    let c = server.client();
    assert_eq!(
        c.log_in("disabled", PASSWORD).await.unwrap_err(),
        (403, AppError::AccountDisabled)
    );
    assert!(c.me().await.is_none());
    let me: Me = serde_json::from_value(c.log_in("muteuser", PASSWORD).await.unwrap()).unwrap();
    assert_eq!(me.roles, vec!["mute"]);
    assert!(me.has_right("login"));
    assert!(!me.has_right("speak"));
}

async fn profile_updates_and_validates(server: TestServer) {
    let c = server.signed_up("frank").await;
    let me: Me = c
        .call(
            "update_profile",
            json!({"nickname": " 小明 ", "signature": "你好 world"}),
        )
        .await
        .unwrap();
    assert_eq!(me.nickname, "小明");
    assert_eq!(me.signature, "你好 world");
    let err = c
        .call::<Me>(
            "update_profile",
            json!({"nickname": "   ", "signature": ""}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (422, AppError::invalid("nickname", Invalid::Required)));
    let err = c
        .call::<Me>(
            "update_profile",
            json!({"nickname": "ok", "signature": "x".repeat(121)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (422, AppError::invalid("signature", Invalid::TooLong)));
    assert_eq!(
        c.me().await.unwrap().nickname,
        "小明",
        "failed updates change nothing"
    );
    let anon = server
        .client()
        .call::<Me>("update_profile", json!({"nickname": "x", "signature": ""}))
        .await
        .unwrap_err();
    assert_eq!(anon, (401, AppError::Unauthenticated));
}

async fn change_password_checks_the_old_one_and_ends_other_sessions(server: TestServer) {
    let phone = server.signed_up("grace").await;
    let laptop = server.client();
    laptop.log_in("grace", PASSWORD).await.unwrap();
    let err = phone
        .call::<()>(
            "change_password",
            json!({"current_password": "wrong one!", "new_password": "a new secret"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (422, AppError::WrongPassword));
    let err = phone
        .call::<()>(
            "change_password",
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (422, AppError::invalid("new_password", Invalid::TooShort))
    );
    phone
        .call::<()>(
            "change_password",
            json!({"current_password": PASSWORD, "new_password": "a new secret"}),
        )
        .await
        .unwrap();
    assert!(
        phone.me().await.is_some(),
        "the changing device stays logged in"
    );
    assert!(laptop.me().await.is_none(), "other devices are logged out");
    let c = server.client();
    assert!(c.log_in("grace", PASSWORD).await.is_err());
    c.log_in("grace", "a new secret").await.unwrap();
}

async fn log_out_invalidates_the_token(server: TestServer) {
    let c = server.client();
    let res = c
        .http
        .post(format!("{}/api/sign_up", c.base))
        .json(&json!({"username": "heidi", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("parley_session=")
        .to_owned();
    assert!(token.len() >= 22, "at least 128 bits");
    // The token also works as a bearer token (scripts, bots).
    let bearer = server.client();
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    let me: Option<Me> = bearer
        .call_with("current_user", json!({}), h.clone())
        .await
        .unwrap();
    assert_eq!(me.unwrap().username, "heidi");
    c.call::<()>("log_out", json!({})).await.unwrap();
    assert!(c.me().await.is_none());
    let me: Option<Me> = bearer
        .call_with("current_user", json!({}), h)
        .await
        .unwrap();
    assert!(me.is_none(), "the old token is dead");
    // Logging out twice is harmless.
    c.call::<()>("log_out", json!({})).await.unwrap();
}

async fn role_change_takes_effect_on_the_next_request(server: TestServer) {
    let c = server.signed_up("ivan").await;
    let id = c.me().await.unwrap().id;
    server::api::admin::set_only_role(&server.state, id, ROLE_MUTE)
        .await
        .unwrap();
    let me = c.me().await.unwrap();
    assert!(!me.has_right("speak"));
    server::api::admin::set_only_role(&server.state, id, ROLE_DISABLED)
        .await
        .unwrap();
    assert!(
        c.me().await.is_none(),
        "a disabled user's sessions stop working at once"
    );
}
