//! Cross-site request refusal, rate limits and error statuses.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use server::auth::limits::{LimitConfig, Rate};
use shared::AppError;

use crate::harness::{Backend, PASSWORD, TestServer};

crate::on_both_backends!(cross_site_posts_are_refused_and_change_nothing);

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, v.parse().unwrap());
    }
    h
}

async fn cross_site_posts_are_refused_and_change_nothing(server: TestServer) {
    let c = server.client();
    let body = json!({"username": "victim", "password": PASSWORD});
    let err = c
        .call_with::<Value>(
            "sign_up",
            body.clone(),
            headers(&[("origin", "http://evil.example")]),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (403, AppError::CrossSite));
    let err = c
        .call_with::<Value>(
            "sign_up",
            body.clone(),
            headers(&[("sec-fetch-site", "cross-site")]),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (403, AppError::CrossSite));
    assert!(
        c.log_in("victim", PASSWORD).await.is_err(),
        "no account was created"
    );

    // A logged-in user's cookie is useless from another site.
    let logged = server.signed_up("victim").await;
    let err = logged
        .call_with::<Value>(
            "update_profile",
            json!({"nickname": "pwned", "signature": ""}),
            headers(&[("origin", "http://evil.example")]),
        )
        .await
        .unwrap_err();
    assert_eq!(err, (403, AppError::CrossSite));
    assert_eq!(logged.me().await.unwrap().nickname, "victim");

    // The same request from the same origin works.
    let origin = server.base.clone();
    let mut same = HeaderMap::new();
    same.insert("origin", origin.parse().unwrap());
    same.insert("sec-fetch-site", "same-origin".parse().unwrap());
    let _: Value = logged
        .call_with(
            "update_profile",
            json!({"nickname": "fine", "signature": ""}),
            same,
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_rate_limited_per_account_and_per_address() {
    let limits = LimitConfig {
        login_per_account: Rate {
            burst: 3,
            period: Duration::from_secs(600),
        },
        login_per_ip: Rate {
            burst: 6,
            period: Duration::from_secs(600),
        },
        ..LimitConfig::default()
    };
    let server = TestServer::start_with(Backend::Sqlite, limits)
        .await
        .unwrap();
    server.signed_up("olivia").await;
    let c = server.client();
    for _ in 0..3 {
        assert_eq!(
            c.log_in("olivia", "wrong password").await.unwrap_err().1,
            AppError::InvalidCredentials
        );
    }
    // The right password no longer helps: the account is locked for a while.
    let (status, err) = c.log_in("olivia", PASSWORD).await.unwrap_err();
    assert_eq!(status, 429);
    assert!(matches!(err, AppError::RateLimited { retry_after_secs } if retry_after_secs > 0));
    // Other accounts from the same address still work until the address limit.
    server.signed_up("peggy").await;
    c.log_in("peggy", PASSWORD).await.unwrap();
    c.log_in("peggy", PASSWORD).await.unwrap();
    let (status, _) = c.log_in("peggy", PASSWORD).await.unwrap_err();
    assert_eq!(status, 429, "per-address limit");
    let res = c
        .http
        .post(format!("{}/api/log_in", c.base))
        .json(&json!({"username": "peggy", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("retry-after").is_some());
}
