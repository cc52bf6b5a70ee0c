//! Signing in with GitHub and with an OpenID Connect issuer, end to end against the fake
//! provider: first sign-in makes the account, later ones find it by the provider's id; the
//! state is bound to the browser and works once; forged, expired, misaddressed and badly signed
//! ID tokens are refused; linking and unlinking keep one way to sign in.

use serde_json::{Value, json};
use shared::AppError;
use shared::model::{SignInMethods, SiteInfo};
use shared::rights::ROLE_ADMIN;

use crate::fake_provider::{Account, FakeProvider, Mode};
use crate::harness::{Backend, Client, PASSWORD, TestServer};

crate::on_both_backends!(
    github_sign_in_makes_then_finds_the_account,
    the_state_is_bound_to_the_browser_and_used_once,
    oidc_id_tokens_are_checked,
    linking_keeps_one_way_to_sign_in,
    registration_and_bans_apply,
);

/// A server like `server`'s (same backend) signing in with `fake` as GitHub and as OIDC.
async fn with_providers(server: &TestServer, fake: &FakeProvider) -> TestServer {
    let backend = if server.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let (github, oidc) = (fake.github_config(), fake.oidc_config());
    TestServer::start_configured(backend, move |c| {
        c.sign_in.github = Some(github);
        c.sign_in.oidc = Some(oidc);
    })
    .await
    .unwrap()
}

/// A client that follows nothing and keeps no cookies (the provider's side of the trip).
fn outsider() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    assert_eq!(res.status().as_u16(), 303, "expected a redirect: {res:?}");
    res.headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// `/auth/<provider>/start<query>` on `client`, then the provider's approval: the callback
/// URL the provider sends the browser back to.
async fn to_callback(client: &Client, provider: &str, query: &str) -> String {
    let res = client
        .http
        .get(format!("{}/auth/{provider}/start{query}", client.base))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    let at_provider = location(&res);
    let res = outsider().get(&at_provider).send().await.unwrap();
    assert_eq!(
        res.status().as_u16(),
        303,
        "provider refused: {}",
        at_provider
    );
    res.headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// The whole trip on `client`; where Parley sends the browser at the end.
async fn sign_in(client: &Client, provider: &str, query: &str) -> String {
    let callback = to_callback(client, provider, query).await;
    let res = client.http.get(&callback).send().await.unwrap();
    location(&res)
}

/// The account the fake provider signs in next.
fn account(subject: &str, login: &str, name: &str, with_picture: bool) -> Account {
    Account {
        subject: subject.into(),
        login: login.into(),
        name: name.into(),
        with_picture,
    }
}

async fn methods(client: &Client) -> SignInMethods {
    client
        .call("list_sign_in_methods", json!({}))
        .await
        .unwrap()
}

async fn github_sign_in_makes_then_finds_the_account(server: TestServer) {
    let fake = FakeProvider::start().await;
    let server = with_providers(&server, &fake).await;

    let anyone = server.client();
    let site: SiteInfo = anyone.call("site_info", json!({})).await.unwrap();
    let keys: Vec<_> = site
        .sign_in_providers
        .iter()
        .map(|p| (p.key.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(keys, [("github", "GitHub"), ("oidc", "Fake SSO")]);

    // First sign-in: a new account from the profile, picture included.
    let phone = server.client();
    assert_eq!(
        sign_in(&phone, "github", "?next=/contacts").await,
        "/contacts"
    );
    let me = phone.me().await.expect("signed in");
    assert_eq!(me.username, "octo-cat");
    assert_eq!(me.nickname, "The Octocat");
    assert!(
        me.avatar_url.is_some(),
        "the profile picture became the avatar"
    );
    let m = methods(&phone).await;
    assert!(!m.has_password);
    assert_eq!(m.linked.len(), 1);
    assert_eq!(
        (m.linked[0].provider.as_str(), m.linked[0].login.as_str()),
        ("github", "Octo-Cat")
    );
    // No password: log-in by name fails like a wrong password.
    let (status, e) = server
        .client()
        .log_in("octo-cat", "anything-at-all")
        .await
        .unwrap_err();
    assert_eq!((status, e), (401, AppError::InvalidCredentials));

    // Later: found by GitHub's id, even after a rename there; a return path elsewhere is
    // ignored.
    fake.set_account(account("1001", "renamed", "Renamed", false))
        .await;
    let laptop = server.client();
    assert_eq!(
        sign_in(&laptop, "github", "?next=//evil.example.com").await,
        "/"
    );
    assert_eq!(laptop.me().await.unwrap().id, me.id);

    // Another GitHub account with the first one's old name gets a name of its own.
    fake.set_account(account("2002", "Octo-Cat", "", false))
        .await;
    let other = server.client();
    assert_eq!(sign_in(&other, "github", "").await, "/");
    let other_me = other.me().await.unwrap();
    assert_ne!(other_me.id, me.id);
    assert_eq!(other_me.username, "octo-cat-2");
    assert_eq!(
        other_me.nickname, "Octo-Cat",
        "the login stands in for a missing name"
    );

    // The console's users table shows where accounts came from.
    server.create_user("root", ROLE_ADMIN).await;
    let root = server.client();
    root.log_in("root", PASSWORD).await.unwrap();
    let page: Value = root
        .call("admin_list_users", json!({"query": "octo"}))
        .await
        .unwrap();
    let rows = page["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["provider"], "github");
        assert_eq!(row["linked"], json!(["github"]));
    }

    // Unknown and unconfigured providers are not found.
    let res = anyone
        .http
        .get(format!("{}/auth/gitlab/start", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

async fn the_state_is_bound_to_the_browser_and_used_once(server: TestServer) {
    let fake = FakeProvider::start().await;
    let server = with_providers(&server, &fake).await;
    let expired = "/login?auth_error=sign_in_expired";

    // A tampered state is refused, and nothing is exchanged.
    let phone = server.client();
    let callback = to_callback(&phone, "github", "").await;
    let tampered = callback.replace("state=", "state=x");
    let res = phone.http.get(&tampered).send().await.unwrap();
    assert_eq!(location(&res), expired);
    assert_eq!(fake.exchanges().await, 0);
    assert!(phone.me().await.is_none());

    // Another browser cannot finish this browser's sign-in (login CSRF)…
    let callback = to_callback(&phone, "github", "").await;
    let attacker = server.client();
    let res = attacker.http.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), expired);
    assert!(attacker.me().await.is_none());
    // …and the state is still good for the browser it belongs to.
    let res = phone.http.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/");
    assert!(phone.me().await.is_some());

    // A replay, even with the state cookie, finds the state used.
    let state = callback.split("state=").nth(1).unwrap().to_owned();
    let res = outsider()
        .get(&callback)
        .header("cookie", format!("parley_sign_in={state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), expired);
    assert_eq!(fake.exchanges().await, 1);

    // Declining at the provider comes back as a failed sign-in.
    let callback = to_callback(&phone, "oidc", "").await;
    let state = callback.split("state=").nth(1).unwrap().to_owned();
    let declined = format!(
        "{}/auth/oidc/callback?error=access_denied&state={state}",
        server.base
    );
    let res = phone.http.get(&declined).send().await.unwrap();
    assert_eq!(location(&res), "/login?auth_error=sign_in_failed");

    // A state started for one provider does not finish another.
    let callback = to_callback(&phone, "github", "").await;
    let crossed = callback.replace("/auth/github/", "/auth/oidc/");
    let res = phone.http.get(&crossed).send().await.unwrap();
    assert_eq!(location(&res), expired);
}

async fn oidc_id_tokens_are_checked(server: TestServer) {
    let fake = FakeProvider::start().await;
    let server = with_providers(&server, &fake).await;
    fake.set_account(account("sub-7f3a", "jane.doe", "Jane Doe", true))
        .await;

    for mode in [
        Mode::WrongIssuer,
        Mode::WrongAudience,
        Mode::Expired,
        Mode::BadSignature,
    ] {
        fake.set_mode(mode).await;
        let phone = server.client();
        assert_eq!(
            sign_in(&phone, "oidc", "").await,
            "/login?auth_error=sign_in_failed",
            "{mode:?} must be refused"
        );
        assert!(phone.me().await.is_none(), "{mode:?} signed someone in");
    }
    // None of them made an account.
    let taken = server.client().log_in("jane.doe", "x").await.unwrap_err();
    assert_eq!(taken.1, AppError::InvalidCredentials);

    fake.set_mode(Mode::Good).await;
    let phone = server.client();
    assert_eq!(sign_in(&phone, "oidc", "").await, "/");
    let me = phone.me().await.unwrap();
    assert_eq!(
        (me.username.as_str(), me.nickname.as_str()),
        ("jane.doe", "Jane Doe")
    );
    assert!(me.avatar_url.is_some());
    let again = server.client();
    assert_eq!(sign_in(&again, "oidc", "").await, "/");
    assert_eq!(again.me().await.unwrap().id, me.id);
}

async fn linking_keeps_one_way_to_sign_in(server: TestServer) {
    let fake = FakeProvider::start().await;
    let server = with_providers(&server, &fake).await;
    let ann = server.signed_up("ann").await;

    // Linking needs the browser's own log-in, from this site's pages.
    let cross = ann
        .http
        .get(format!("{}/auth/github/start?mode=link", server.base))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status().as_u16(), 403);
    let anonymous = server
        .client()
        .http
        .get(format!("{}/auth/github/start?mode=link", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&anonymous), "/login");

    assert_eq!(
        sign_in(&ann, "github", "?mode=link").await,
        "/me/sign-in?linked=github"
    );
    let ann_id = ann.me().await.unwrap().id;
    let m = methods(&ann).await;
    assert!(m.has_password);
    assert_eq!(m.linked.len(), 1);
    // Now GitHub signs in as ann.
    let laptop = server.client();
    assert_eq!(sign_in(&laptop, "github", "").await, "/");
    assert_eq!(laptop.me().await.unwrap().id, ann_id);

    // Someone else cannot link the same GitHub account.
    let bob = server.signed_up("bob").await;
    assert_eq!(
        sign_in(&bob, "github", "?mode=link").await,
        "/me/sign-in?auth_error=identity_taken"
    );

    // Ann has a password, so GitHub can go.
    let m: SignInMethods = ann
        .call("unlink_sign_in", json!({"provider": "github"}))
        .await
        .unwrap();
    assert!(m.linked.is_empty());
    let (status, e) = ann
        .call::<Value>("unlink_sign_in", json!({"provider": "github"}))
        .await
        .unwrap_err();
    assert_eq!((status, e), (404, AppError::NotFound));

    // A GitHub-only account keeps its last way in, until it sets a password.
    fake.set_account(account("3003", "carol", "Carol", false))
        .await;
    let carol = server.client();
    assert_eq!(sign_in(&carol, "github", "").await, "/");
    let (status, e) = carol
        .call::<Value>("unlink_sign_in", json!({"provider": "github"}))
        .await
        .unwrap_err();
    assert_eq!((status, e), (409, AppError::LastSignInMethod));
    // Linking OIDC as well makes GitHub removable.
    assert_eq!(
        sign_in(&carol, "oidc", "?mode=link").await,
        "/me/sign-in?linked=oidc"
    );
    let m: SignInMethods = carol
        .call("unlink_sign_in", json!({"provider": "github"}))
        .await
        .unwrap();
    assert_eq!(m.linked.len(), 1);
    let (status, e) = carol
        .call::<Value>("unlink_sign_in", json!({"provider": "oidc"}))
        .await
        .unwrap_err();
    assert_eq!((status, e), (409, AppError::LastSignInMethod));
    // Her first password needs no current one; then OIDC can go and the password works.
    let _: Value = carol
        .call(
            "change_password",
            json!({"current_password": "", "new_password": "a-long-new-password"}),
        )
        .await
        .unwrap();
    let m: SignInMethods = carol
        .call("unlink_sign_in", json!({"provider": "oidc"}))
        .await
        .unwrap();
    assert!(m.has_password && m.linked.is_empty());
    server
        .client()
        .log_in("carol", "a-long-new-password")
        .await
        .unwrap();

    // A personal token cannot start linking, nor list or unlink methods.
    let token: Value = ann
        .call(
            "create_personal_token",
            json!({"name": "t", "scopes": ["write"]}),
        )
        .await
        .unwrap();
    let secret = token["secret"].as_str().unwrap();
    let res = outsider()
        .get(format!("{}/auth/github/start?mode=link", server.base))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = outsider()
        .post(format!("{}/api/list_sign_in_methods", server.base))
        .bearer_auth(secret)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

async fn registration_and_bans_apply(server: TestServer) {
    let fake = FakeProvider::start().await;
    let server = with_providers(&server, &fake).await;
    server.create_user("root", ROLE_ADMIN).await;
    let root = server.client();
    root.log_in("root", PASSWORD).await.unwrap();

    // An existing link still signs in while registration is closed; a new account does not.
    let dave = server.client();
    assert_eq!(sign_in(&dave, "github", "").await, "/");
    let dave_id = dave.me().await.unwrap().id;
    let _: Value = root
        .call("admin_update_settings", json!({"registration": "closed"}))
        .await
        .unwrap();
    assert_eq!(sign_in(&server.client(), "github", "").await, "/");
    fake.set_account(account("4004", "newcomer", "New", false))
        .await;
    assert_eq!(
        sign_in(&server.client(), "github", "").await,
        "/login?auth_error=registration_closed"
    );
    let _: Value = root
        .call("admin_update_settings", json!({"registration": "invite"}))
        .await
        .unwrap();
    assert_eq!(
        sign_in(&server.client(), "github", "").await,
        "/login?auth_error=invite_required"
    );

    // A banned account cannot sign in with its provider either.
    let _: Value = root
        .call(
            "admin_ban_user",
            json!({"user_id": dave_id, "reason": "test"}),
        )
        .await
        .unwrap();
    fake.set_account(account("1001", "Octo-Cat", "The Octocat", false))
        .await;
    let phone = server.client();
    assert_eq!(
        sign_in(&phone, "github", "").await,
        "/login?auth_error=account_disabled"
    );
    assert!(phone.me().await.is_none());
}
