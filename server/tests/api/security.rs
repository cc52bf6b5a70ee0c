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
        login_per_account_address: Rate {
            burst: 3,
            period: Duration::from_secs(600),
        },
        login_per_ip: Rate {
            burst: 6,
            period: Duration::from_secs(600),
        },
        ..LimitConfig::default()
    };
    let server = TestServer::start_configured(Backend::Sqlite, |config| {
        config.limits = limits;
        config.trust_forwarded_for = true;
    })
    .await
    .unwrap();
    server.signed_up("olivia").await;
    let c = server.client();
    let attacker = headers(&[("x-forwarded-for", "203.0.113.66")]);
    let log_in = |client: &crate::harness::Client, password: &str, from: HeaderMap| {
        let (client, password) = (client.clone(), password.to_owned());
        async move {
            client
                .call_with::<Value>(
                    "log_in",
                    json!({"username": "olivia", "password": password}),
                    from,
                )
                .await
        }
    };
    for _ in 0..3 {
        assert_eq!(
            log_in(&c, "wrong password", attacker.clone())
                .await
                .unwrap_err()
                .1,
            AppError::InvalidCredentials
        );
    }
    // From the guessing address the right password no longer helps: locked there for a while.
    let (status, err) = log_in(&c, PASSWORD, attacker.clone()).await.unwrap_err();
    assert_eq!(status, 429);
    assert!(matches!(err, AppError::RateLimited { retry_after_secs } if retry_after_secs > 0));
    // The owner, elsewhere, is not locked out by someone else's guesses.
    let owner = server.client();
    log_in(
        &owner,
        PASSWORD,
        headers(&[("x-forwarded-for", "192.0.2.10")]),
    )
    .await
    .unwrap();
    // Other accounts from the guessing address still work until the address limit (six
    // attempts, four of them spent above).
    server.signed_up("peggy").await;
    let peggy = json!({"username": "peggy", "password": PASSWORD});
    for _ in 0..2 {
        c.call_with::<Value>("log_in", peggy.clone(), attacker.clone())
            .await
            .unwrap();
    }
    let (status, _) = c
        .call_with::<Value>("log_in", peggy.clone(), attacker.clone())
        .await
        .unwrap_err();
    assert_eq!(status, 429, "per-address limit");
    let res = c
        .http
        .post(format!("{}/api/log_in", c.base))
        .headers(attacker)
        .json(&peggy)
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("retry-after").is_some());
}
