//! The test server and client.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::auth::limits::LimitConfig;
use server::config::{Config, ConnectionLimits, MediaConfig};
use server::db::{DatabaseUrl, Db};
use server::state::AppState;
use shared::AppError;
use shared::event::{ClientFrame, ServerEvent};
use tokio::sync::oneshot;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running server with its own fresh database.
pub struct TestServer {
    pub base: String,
    pub db: Db,
    /// The node's state, for changes only an administrator makes (e.g. roles).
    pub state: AppState,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
    stop: Option<oneshot::Sender<()>>,
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("PARLEY_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestServer {
    /// Starts a server on `backend`; `None` (with a note) when PostgreSQL is not configured.
    /// Its users may send 1,000 messages a second (tests send in tight loops); every other
    /// limit is the default.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, test_limits()).await
    }

    /// Starts a server with custom rate limits.
    pub async fn start_with(backend: Backend, limits: LimitConfig) -> Option<Self> {
        Self::start_configured(backend, |config| config.limits = limits).await
    }

    /// Starts a server whose configuration `adjust` changes first.
    pub async fn start_configured(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        // Server errors show in a failing test's output (RUST_LOG widens the filter).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let (database, pg) = match backend {
            Backend::Sqlite => (DatabaseUrl::Sqlite(dir.path().join("parley.db")), None),
            Backend::Postgres => {
                let Some(admin) = postgres_admin_url() else {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "CI is set but PARLEY_TEST_POSTGRES_URL is not: PostgreSQL tests must run"
                    );
                    eprintln!("PARLEY_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
                    return None;
                };
                let name = format!(
                    "parley_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    rand_suffix()
                );
                let mut conn = AsyncPgConnection::establish(&admin)
                    .await
                    .expect("connect to PARLEY_TEST_POSTGRES_URL");
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                (
                    DatabaseUrl::Postgres(with_database(&admin, &name)),
                    Some((admin, name)),
                )
            }
        };
        let mut config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            database,
            site_root: PathBuf::from("target/site"),
            admin_site_root: PathBuf::from("target/site-admin"),
            secure_cookies: false,
            public_origin: None,
            trust_forwarded_for: false,
            webhook_allow_private: true,
            assistant: Default::default(),
            sign_in: Default::default(),
            redis_url: None,
            redis_channel: String::new(),
            db_pool: 4,
            limits: test_limits(),
            connections: ConnectionLimits::default(),
            media: MediaConfig::local(),
            recall_window: std::time::Duration::from_secs(120),
        };
        adjust(&mut config);
        let (base, state, stop) = launch(config).await;
        Some(Self {
            base,
            db: state.db.clone(),
            state,
            _dir: dir,
            pg,
            stop: Some(stop),
        })
    }

    /// A server on `backend` keeping media in a fresh bucket of the S3 API server at
    /// `PARLEY_TEST_S3_ENDPOINT`; `None` (with a note) when it or PostgreSQL is not configured.
    pub async fn start_s3(backend: Backend) -> Option<Self> {
        let Some(endpoint) = std::env::var("PARLEY_TEST_S3_ENDPOINT")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but PARLEY_TEST_S3_ENDPOINT is not: the S3 store tests must run"
            );
            eprintln!("PARLEY_TEST_S3_ENDPOINT not set: skipping the S3 store test");
            return None;
        };
        let bucket = format!(
            "parley-test-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        )
        .to_lowercase();
        let created = reqwest::Client::new()
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .expect("reach the S3 API server");
        assert!(created.status().is_success(), "create bucket: {created:?}");
        Self::start_configured(backend, |config| {
            config.limits = test_limits();
            config.media.s3 = Some(server::config::S3Config {
                bucket,
                endpoint: Some(endpoint),
                region: "us-east-1".into(),
                credentials: Some(("testing".into(), "testing".into())),
            });
        })
        .await
    }

    /// Two nodes on one database, sharing events through Redis (`PARLEY_TEST_REDIS_URL`);
    /// `None` (with a note) when Redis, or PostgreSQL for that backend, is not configured.
    pub async fn start_pair(backend: Backend) -> Option<(Self, Self)> {
        let Some(redis) = std::env::var("PARLEY_TEST_REDIS_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but PARLEY_TEST_REDIS_URL is not: the two-node tests must run"
            );
            eprintln!("PARLEY_TEST_REDIS_URL not set: skipping the two-node test");
            return None;
        };
        let first = Self::start(backend).await?;
        let channel = format!("parley-test:{}:{}", std::process::id(), rand_suffix());
        let node = |config_db: DatabaseUrl, data_dir: PathBuf| Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir,
            database: config_db,
            site_root: PathBuf::from("target/site"),
            admin_site_root: PathBuf::from("target/site-admin"),
            secure_cookies: false,
            public_origin: None,
            trust_forwarded_for: false,
            webhook_allow_private: true,
            assistant: Default::default(),
            sign_in: Default::default(),
            redis_url: Some(redis.clone()),
            redis_channel: channel.clone(),
            db_pool: 4,
            limits: test_limits(),
            connections: ConnectionLimits::default(),
            media: MediaConfig::local(),
            recall_window: std::time::Duration::from_secs(120),
        };
        let database = match &first.pg {
            Some((admin, name)) => DatabaseUrl::Postgres(with_database(admin, name)),
            None => DatabaseUrl::Sqlite(first._dir.path().join("parley.db")),
        };
        let data_dir = first._dir.path().to_path_buf();
        // Stop the plain first node; both nodes of the pair use Redis.
        let mut a = first;
        if let Some(stop) = a.stop.take() {
            let _ = stop.send(());
        }
        let (base_a, state_a, stop_a) = launch(node(database.clone(), data_dir.clone())).await;
        let (base_b, state_b, stop_b) = launch(node(database, data_dir)).await;
        (a.base, a.db, a.state, a.stop) = (base_a, state_a.db.clone(), state_a, Some(stop_a));
        let b = Self {
            base: base_b,
            db: state_b.db.clone(),
            state: state_b,
            _dir: tempfile::tempdir().unwrap(),
            pg: None,
            stop: Some(stop_b),
        };
        Some((a, b))
    }

    /// Stops this node (its webhook worker hands its leases back) and starts a new one on the
    /// same database and data folder, at a new address: a restart. Clients made before it
    /// still point at the old address.
    pub async fn restart(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state.webhooks.stop().await;
        let config = (*self.state.config).clone();
        let (base, state, stop) = launch(config).await;
        (self.base, self.db, self.state, self.stop) = (base, state.db.clone(), state, Some(stop));
    }

    /// Whether this server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// A new client (its own cookie jar: one device).
    pub fn client(&self) -> Client {
        let jar = Arc::new(Jar::default());
        Client {
            http: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
            jar,
        }
    }

    /// A new client logged in as a freshly signed-up user.
    pub async fn signed_up(&self, username: &str) -> Client {
        let c = self.client();
        let _: Value = c
            .call(
                "sign_up",
                serde_json::json!({"username": username, "password": PASSWORD}),
            )
            .await
            .unwrap();
        c
    }

    /// Creates `username` with `role` directly in the database.
    pub async fn create_user(&self, username: &str, role: &str) {
        let hash = server::auth::password::hash(PASSWORD.into()).await.unwrap();
        server::repo::users::create(&self.db, username, &hash, username, role, 0)
            .await
            .unwrap();
    }
}

/// Opens the database and serves `config` on a free port: `(base URL, state, stop switch)`.
async fn launch(config: Config) -> (String, AppState, oneshot::Sender<()>) {
    let db = server::serve::open(&config).await.unwrap();
    let realtime = server::serve::realtime(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let store = server::serve::media_store(&config).unwrap();
    let state = AppState::new(config, db, realtime, store);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::serve::serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    (base, state, stop)
}

/// The default limits, with 1,000 sends a second per user.
pub fn test_limits() -> LimitConfig {
    LimitConfig::default().with_send_rate(1_000)
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop the test database from a fresh runtime on another thread (Drop is sync).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                        let _ = conn
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// One device talking to the server.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    jar: Arc<Jar>,
}

/// A failed call: HTTP status and the decoded error.
pub type Failure = (u16, AppError);

impl Client {
    /// `POST /api/<name>` with a JSON body; `Err((status, error))` on failure.
    pub async fn call<T: DeserializeOwned>(&self, name: &str, body: Value) -> Result<T, Failure> {
        self.call_with(name, body, HeaderMap::new()).await
    }

    /// Like [`Client::call`] with extra headers.
    pub async fn call_with<T: DeserializeOwned>(
        &self,
        name: &str,
        body: Value,
        headers: HeaderMap,
    ) -> Result<T, Failure> {
        let res = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        if status >= 400 {
            let err: AppError = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("error body is not an AppError ({e}): {text}"));
            Err((status, err))
        } else {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("unexpected body for {name} ({e}): {text}")))
        }
    }

    /// Logs in on this client.
    pub async fn log_in(&self, username: &str, password: &str) -> Result<Value, Failure> {
        self.call(
            "log_in",
            serde_json::json!({"username": username, "password": password}),
        )
        .await
    }

    /// The `Cookie` header this device sends.
    pub fn cookie_header(&self) -> String {
        let url = self.base.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// Opens this device's WebSocket and waits for `ready`.
    pub async fn ws(&self) -> Ws {
        self.ws_with(&[]).await.unwrap()
    }

    /// Opens this device's WebSocket with extra headers; the HTTP status when refused.
    pub async fn ws_with(&self, headers: &[(&str, &str)]) -> Result<Ws, u16> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/ws", self.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().unwrap();
        let cookie = self.cookie_header();
        if !cookie.is_empty() {
            request
                .headers_mut()
                .insert("cookie", cookie.parse().unwrap());
        }
        for (k, v) in headers {
            request.headers_mut().insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => {
                let mut ws = Ws { stream };
                match ws.next_event().await {
                    Some(ServerEvent::Ready { .. }) => Ok(ws),
                    other => panic!("expected ready, got {other:?}"),
                }
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("websocket: {e}"),
        }
    }

    /// The caller's friends other than the assistant (every account has it among its
    /// contacts from the start).
    pub async fn people(&self) -> Vec<shared::model::Friend> {
        let friends: Vec<shared::model::Friend> = self
            .call("list_friends", serde_json::json!({}))
            .await
            .unwrap();
        friends
            .into_iter()
            .filter(|f| f.nickname != server::repo::assistant::NAME)
            .collect()
    }

    /// The caller's chats other than the one with the assistant (every account has it).
    pub async fn chats(&self) -> Vec<shared::model::ConversationSummary> {
        let list: Vec<shared::model::ConversationSummary> = self
            .call("list_conversations", serde_json::json!({}))
            .await
            .unwrap();
        list.into_iter()
            .filter(|c| c.title != server::repo::assistant::NAME)
            .collect()
    }

    /// Becomes friends with `other` (request and acceptance); their conversation's id.
    pub async fn befriend(&self, other: &Client) -> i64 {
        let other_id = other.me().await.unwrap().id;
        let request: shared::model::FriendRequest = self
            .call(
                "send_friend_request",
                serde_json::json!({"user_id": other_id, "note": ""}),
            )
            .await
            .unwrap();
        let _: Value = other
            .call(
                "respond_friend_request",
                serde_json::json!({"request_id": request.id, "accept": true}),
            )
            .await
            .unwrap();
        let friends: Vec<shared::model::Friend> = self
            .call("list_friends", serde_json::json!({}))
            .await
            .unwrap();
        friends
            .iter()
            .find(|f| f.user_id == other_id)
            .unwrap()
            .conversation_id
            .0
    }

    /// Sends a text message; the stored message or the failure.
    pub async fn send_text(
        &self,
        conversation: i64,
        client_msg_id: &str,
        text: &str,
    ) -> Result<shared::model::Message, Failure> {
        self.call(
            "send_message",
            serde_json::json!({
                "conversation_id": conversation,
                "client_msg_id": client_msg_id,
                "body": {"type": "text", "text": text}
            }),
        )
        .await
    }

    /// Uploads `bytes` as `name` declared as `mime` (`POST /api/upload_media`, multipart).
    pub async fn upload(
        &self,
        name: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<shared::model::Media, Failure> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let res = self
            .http
            .post(format!("{}/api/upload_media", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        if status >= 400 {
            let err: AppError = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("error body is not an AppError ({e}): {text}"));
            Err((status, err))
        } else {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("unexpected upload answer ({e}): {text}")))
        }
    }

    /// `GET` a path of this server (e.g. a media URL) with extra headers: status, headers
    /// and body.
    pub async fn get_path(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.bytes().await.unwrap().to_vec();
        (status, headers, body)
    }

    /// Sends a message with `body`; the stored message or the failure.
    pub async fn send_body(
        &self,
        conversation: i64,
        client_msg_id: &str,
        body: Value,
    ) -> Result<shared::model::Message, Failure> {
        self.call(
            "send_message",
            serde_json::json!({
                "conversation_id": conversation,
                "client_msg_id": client_msg_id,
                "body": body
            }),
        )
        .await
    }

    /// The current user, or `None`.
    pub async fn me(&self) -> Option<shared::model::Me> {
        self.call("current_user", serde_json::json!({}))
            .await
            .unwrap()
    }
}

/// A test's WebSocket.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Ws {
    /// The next event within 5 s; `None` when the server closed the connection.
    pub async fn next_event(&mut self) -> Option<ServerEvent> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message as M;
        loop {
            let next = tokio::time::timeout(Duration::from_secs(5), self.stream.next())
                .await
                .expect("no event within 5 s");
            match next {
                Some(Ok(M::Text(t))) => return Some(serde_json::from_str(t.as_str()).unwrap()),
                Some(Ok(M::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Skips events until `wanted` arrives (each within 5 s); panics if the connection closes.
    pub async fn wait_for(&mut self, wanted: &ServerEvent) {
        loop {
            match self.next_event().await {
                Some(e) if &e == wanted => return,
                Some(_) => {}
                None => panic!("connection closed while waiting for {wanted:?}"),
            }
        }
    }

    /// Asserts nothing arrives within `ms` milliseconds.
    pub async fn expect_silence(&mut self, ms: u64) {
        use futures_util::StreamExt;
        if let Ok(Some(Ok(m))) =
            tokio::time::timeout(Duration::from_millis(ms), self.stream.next()).await
        {
            panic!("unexpected frame {m:?}");
        }
    }

    /// Reads until the server closes the connection (each frame within 5 s) and returns the
    /// close code (`None` when it closed without one).
    pub async fn close_code(&mut self) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message as M;
        loop {
            let next = tokio::time::timeout(Duration::from_secs(5), self.stream.next())
                .await
                .expect("no close within 5 s");
            match next {
                Some(Ok(M::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: String) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
            .await
            .unwrap();
    }

    /// Sends a client frame.
    pub async fn send(&mut self, frame: &ClientFrame) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::Text(
                serde_json::to_string(frame).unwrap().into(),
            ))
            .await
            .unwrap();
    }
}

/// Declares each listed `async fn name(server: TestServer)` as two tests, one per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let server = $crate::harness::TestServer::start($crate::harness::Backend::Sqlite)
                        .await
                        .unwrap();
                    super::$name(server).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) =
                        $crate::harness::TestServer::start($crate::harness::Backend::Postgres).await
                    {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}

/// Declares each listed `async fn(TestServer)` as four tests: SQLite and PostgreSQL, each with
/// media in the local folder and in an S3 bucket (PostgreSQL and S3 skipped, with a note, when
/// not configured outside CI).
#[macro_export]
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!($($name),*);
        mod sqlite_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) =
                        $crate::harness::TestServer::start_s3($crate::harness::Backend::Sqlite).await
                    {
                        super::$name(server).await;
                    }
                }
            )*
        }
        mod postgres_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) =
                        $crate::harness::TestServer::start_s3($crate::harness::Backend::Postgres).await
                    {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}

#[test]
fn postgres_urls_get_a_new_database() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
        "postgres://u:p@h/t2?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "t3"),
        "postgres://h:5432/t3"
    );
}
