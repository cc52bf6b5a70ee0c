//! Configuration: environment variables with matching command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::db::DatabaseUrl;

/// Parley's server.
#[derive(Debug, Parser)]
#[command(
    name = "parley",
    version,
    about = "Parley: a self-hosted instant messenger"
)]
pub struct Cli {
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of `parley`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the demo accounts (idempotent) and print them.
    SeedDemo,
    /// Create an administrator account (or, with --promote-existing, give an existing account
    /// the admin role).
    CreateAdmin {
        /// The administrator's username.
        #[arg(long)]
        username: String,
        /// The password (read from PARLEY_ADMIN_PASSWORD when not given).
        #[arg(long, env = "PARLEY_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// Make an existing account of that name an administrator. It keeps its password,
        /// unless that is the public demo password outside a demo database: then the given
        /// password replaces it.
        #[arg(long)]
        promote_existing: bool,
    },
    /// Fill a fresh database for the load generator (`cargo xtask bench`).
    #[command(hide = true)]
    BenchFixture {
        /// Users to create, each with a session.
        #[arg(long)]
        users: usize,
        /// Friend pairs (users 2i and 2i+1).
        #[arg(long, default_value_t = 0)]
        pairs: usize,
        /// Members of one group (0: no group).
        #[arg(long, default_value_t = 0)]
        group_size: usize,
        /// Messages pre-filled into one more pair's conversation (0: none).
        #[arg(long, default_value_t = 0)]
        history: usize,
        /// Where to write the fixture's JSON.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Settings read from the environment or flags.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder for the SQLite database and uploaded files.
    #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://FILE or postgres://… (default: sqlite://DATA_DIR/parley.db).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder holding the built client app (its `pkg/` and assets).
    #[arg(long, env = "PARLEY_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Folder holding the built admin app (its `admin/pkg/`).
    #[arg(
        long,
        env = "PARLEY_ADMIN_SITE_ROOT",
        default_value = "target/site-admin"
    )]
    pub admin_site_root: PathBuf,
    /// Mark cookies `Secure` (set when Parley is served over HTTPS).
    #[arg(long, env = "PARLEY_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Extra origin allowed to make state-changing requests (e.g. https://chat.example.com
    /// behind a proxy that rewrites Host).
    #[arg(long, env = "PARLEY_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,
    /// Take the client address from the last `X-Forwarded-For` entry (set only behind a
    /// reverse proxy that always writes that header; otherwise clients could forge it).
    #[arg(long, env = "PARLEY_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Let bots' outgoing webhooks post to loopback, private, link-local and metadata
    /// addresses (refused by default: a webhook URL must not reach the server's own network).
    #[arg(long, env = "PARLEY_WEBHOOK_ALLOW_PRIVATE", default_value_t = false)]
    pub webhook_allow_private: bool,
    /// An OpenAI-compatible chat-completions endpoint the assistant forwards conversations to
    /// (`https://api.example.com/v1`); without it, it answers from its table alone.
    #[arg(long, env = "PARLEY_ASSISTANT_URL")]
    pub assistant_url: Option<String>,
    /// The model the assistant asks the endpoint for.
    #[arg(long, env = "PARLEY_ASSISTANT_MODEL", default_value = "gpt-4o-mini")]
    pub assistant_model: String,
    /// The endpoint's API key, sent as `Authorization: Bearer`.
    #[arg(long, env = "PARLEY_ASSISTANT_API_KEY", hide_env_values = true)]
    pub assistant_api_key: Option<String>,
    /// The OAuth app's client id for "Sign in with GitHub" (the button shows when it is set).
    #[arg(long, env = "PARLEY_GITHUB_CLIENT_ID")]
    pub github_client_id: Option<String>,
    /// The OAuth app's client secret.
    #[arg(long, env = "PARLEY_GITHUB_CLIENT_SECRET", hide_env_values = true)]
    pub github_client_secret: Option<String>,
    /// GitHub's authorization page.
    #[arg(
        long,
        env = "PARLEY_GITHUB_AUTH_URL",
        default_value = "https://github.com/login/oauth/authorize"
    )]
    pub github_auth_url: String,
    /// GitHub's token endpoint.
    #[arg(
        long,
        env = "PARLEY_GITHUB_TOKEN_URL",
        default_value = "https://github.com/login/oauth/access_token"
    )]
    pub github_token_url: String,
    /// GitHub's API (the profile is read from `<url>/user`).
    #[arg(
        long,
        env = "PARLEY_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,
    /// An OpenID Connect issuer to sign in with (`https://id.example.com/realms/staff`); its
    /// discovery document is read from `<issuer>/.well-known/openid-configuration`.
    #[arg(long, env = "PARLEY_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id Parley has at that issuer.
    #[arg(long, env = "PARLEY_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Its client secret.
    #[arg(long, env = "PARLEY_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// The label of its button on the log-in page.
    #[arg(long, env = "PARLEY_OIDC_NAME", default_value = "Single sign-on")]
    pub oidc_name: String,
    /// Redis URL for fan-out between several server nodes (single node when absent).
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// The Redis pub/sub channel the nodes share.
    #[arg(long, env = "PARLEY_REDIS_CHANNEL", default_value = "parley:events")]
    pub redis_channel: String,
    /// Database connection pool size.
    #[arg(long, env = "PARLEY_DB_POOL", default_value_t = 16)]
    pub db_pool: usize,
    /// Log format: `pretty` or `json`.
    #[arg(long, env = "PARLEY_LOG_FORMAT", default_value = "pretty")]
    pub log_format: LogFormat,
    /// Seconds a client may take to send a request's headers, and again its body.
    #[arg(long, env = "PARLEY_READ_TIMEOUT_SECS", default_value_t = 15)]
    pub read_timeout_secs: u64,
    /// Most open HTTP connections (WebSockets included); further ones are closed on accept.
    #[arg(long, env = "PARLEY_MAX_CONNECTIONS", default_value_t = 20_000)]
    pub max_connections: usize,
    /// Most live WebSockets on this node; further handshakes get `503 unavailable`.
    #[arg(long, env = "PARLEY_MAX_WEBSOCKETS", default_value_t = 16_000)]
    pub max_websockets: usize,
    /// Most live WebSockets per user on this node; a new one closes the oldest (code 4003).
    #[arg(long, env = "PARLEY_MAX_WEBSOCKETS_PER_USER", default_value_t = 10)]
    pub max_websockets_per_user: usize,
    /// Messages one user may send per second, sustained (bursts of three seconds' worth).
    #[arg(long, env = "PARLEY_SEND_RATE", default_value_t = 10)]
    pub send_rate: u32,
    /// User, group and message searches one user may make per second, sustained (unset: two a
    /// second in bursts of thirty).
    #[arg(long, env = "PARLEY_SEARCH_RATE")]
    pub search_rate: Option<u32>,
    /// Sign-ups one address may make at once before they are slowed to one per 20 s (raise it
    /// when a whole office signs up from behind one NAT address).
    #[arg(long, env = "PARLEY_SIGNUP_BURST", default_value_t = 30)]
    pub signup_burst: u32,
    /// Log-ins to one account from one address allowed at once before they are refused, then
    /// one every 30 s (a guesser elsewhere is only slowed down, never locks the owner out).
    #[arg(long, env = "PARLEY_LOGIN_BURST", default_value_t = 10)]
    pub login_burst: u32,
    /// Seconds after sending during which a sender may recall a message (group owners and
    /// admins may recall members' messages at any time).
    #[arg(long, env = "PARLEY_RECALL_WINDOW_SECS", default_value_t = shared::model::RECALL_WINDOW_DEFAULT_SECS)]
    pub recall_window_secs: u64,
    /// Largest upload, in MiB.
    #[arg(long, env = "PARLEY_MAX_UPLOAD_MIB", default_value_t = 100)]
    pub max_upload_mib: u64,
    /// Largest image upload, in MiB (images are decoded, so they are held to less).
    #[arg(long, env = "PARLEY_MAX_IMAGE_MIB", default_value_t = 30)]
    pub max_image_mib: u64,
    /// Keep media in this S3 bucket instead of `<data dir>/media` (credentials from
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`).
    #[arg(long, env = "PARLEY_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The S3 API's address, for a store other than AWS (MinIO, Ceph, moto …).
    #[arg(long, env = "PARLEY_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "PARLEY_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// The S3 access key (otherwise the usual AWS sources: instance role, web identity …).
    #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// The S3 secret key.
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address.
    pub addr: SocketAddr,
    /// Data folder.
    pub data_dir: PathBuf,
    /// The database.
    pub database: DatabaseUrl,
    /// Built client site.
    pub site_root: PathBuf,
    /// Built admin site.
    pub admin_site_root: PathBuf,
    /// `Secure` cookies.
    pub secure_cookies: bool,
    /// Extra allowed origin.
    pub public_origin: Option<String>,
    /// Client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Outgoing webhooks may reach private addresses.
    pub webhook_allow_private: bool,
    /// Where the assistant's answers come from.
    pub assistant: crate::assistant::AssistantConfig,
    /// The outside providers people sign in with.
    pub sign_in: crate::sign_in::SignInConfig,
    /// Redis for cross-node fan-out.
    pub redis_url: Option<String>,
    /// The shared channel.
    pub redis_channel: String,
    /// Pool size.
    pub db_pool: usize,
    /// Rate limits: log-in, sign-up and each user's writes and searches.
    pub limits: crate::auth::limits::LimitConfig,
    /// Connection limits and read timeouts.
    pub connections: ConnectionLimits,
    /// Upload limits and where media is kept.
    pub media: MediaConfig,
    /// How long after sending a sender may recall a message.
    pub recall_window: std::time::Duration,
}

/// Where uploads are kept and how large they may be.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// Largest upload, in bytes.
    pub max_upload: u64,
    /// Largest image upload, in bytes.
    pub max_image: u64,
    /// The S3 store, when configured; otherwise `<data dir>/media`.
    pub s3: Option<S3Config>,
}

/// An S3-compatible store. Its `Debug` form hides the secret.
#[derive(Clone)]
pub struct S3Config {
    /// The bucket.
    pub bucket: String,
    /// A custom endpoint (MinIO, Ceph, moto …); AWS itself when `None`.
    pub endpoint: Option<String>,
    /// The region.
    pub region: String,
    /// Access key id and secret, when given explicitly.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.credentials.as_ref().map(|c| &c.0))
            .finish_non_exhaustive()
    }
}

impl MediaConfig {
    /// The defaults: 100 MiB uploads, 30 MiB images, the local folder.
    pub fn local() -> Self {
        Self {
            max_upload: 100 * MIB,
            max_image: 30 * MIB,
            s3: None,
        }
    }
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// Bounds on connections and on how long a client may take to send a request.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time allowed for a request's headers, and again for its body.
    pub read_timeout: std::time::Duration,
    /// Open HTTP connections.
    pub max_connections: usize,
    /// Live WebSockets on this node.
    pub max_websockets: usize,
    /// Live WebSockets per user on this node.
    pub max_websockets_per_user: usize,
    /// How often a WebSocket checks that its session still stands.
    pub session_recheck: std::time::Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            read_timeout: std::time::Duration::from_secs(15),
            max_connections: 20_000,
            max_websockets: 16_000,
            max_websockets_per_user: 10,
            session_recheck: std::time::Duration::from_secs(30),
        }
    }
}

impl ConfigArgs {
    /// Resolves defaults and checks values; a bad value is a clear error, never a panic.
    pub fn resolve(&self) -> Result<Config, String> {
        let database = match &self.database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::Sqlite(self.data_dir.join("parley.db")),
        };
        if self.db_pool == 0 {
            return Err("PARLEY_DB_POOL must be at least 1".into());
        }
        if self.read_timeout_secs == 0 {
            return Err("PARLEY_READ_TIMEOUT_SECS must be at least 1".into());
        }
        if self.max_connections == 0 || self.max_websockets == 0 {
            return Err(
                "PARLEY_MAX_CONNECTIONS and PARLEY_MAX_WEBSOCKETS must be at least 1".into(),
            );
        }
        if self.max_websockets_per_user == 0 {
            return Err("PARLEY_MAX_WEBSOCKETS_PER_USER must be at least 1".into());
        }
        if self.send_rate == 0 {
            return Err("PARLEY_SEND_RATE must be at least 1".into());
        }
        if self.search_rate == Some(0) {
            return Err("PARLEY_SEARCH_RATE must be at least 1".into());
        }
        if self.signup_burst == 0 {
            return Err("PARLEY_SIGNUP_BURST must be at least 1".into());
        }
        if self.login_burst == 0 {
            return Err("PARLEY_LOGIN_BURST must be at least 1".into());
        }
        if self.recall_window_secs > 7 * 24 * 3600 {
            return Err("PARLEY_RECALL_WINDOW_SECS must be at most 604800 (a week)".into());
        }
        if self.max_upload_mib == 0 || self.max_image_mib == 0 {
            return Err("PARLEY_MAX_UPLOAD_MIB and PARLEY_MAX_IMAGE_MIB must be at least 1".into());
        }
        if self.max_upload_mib > 100 * 1024 {
            return Err("PARLEY_MAX_UPLOAD_MIB must be at most 102400 (100 GiB)".into());
        }
        if let Some(origin) = &self.public_origin
            && !(origin.starts_with("http://") || origin.starts_with("https://"))
        {
            return Err(format!(
                "PARLEY_PUBLIC_ORIGIN must be an http(s) origin, got {origin:?}"
            ));
        }
        Ok(Config {
            addr: self.addr,
            data_dir: self.data_dir.clone(),
            database,
            site_root: self.site_root.clone(),
            admin_site_root: self.admin_site_root.clone(),
            secure_cookies: self.secure_cookies,
            public_origin: self
                .public_origin
                .clone()
                .map(|o| o.trim_end_matches('/').to_owned()),
            trust_forwarded_for: self.trust_forwarded_for,
            webhook_allow_private: self.webhook_allow_private,
            assistant: crate::assistant::AssistantConfig {
                url: self.assistant_url.clone().filter(|u| !u.is_empty()),
                model: self.assistant_model.clone(),
                api_key: self.assistant_api_key.clone(),
            },
            sign_in: self.sign_in()?,
            redis_url: self.redis_url.clone().filter(|u| !u.is_empty()),
            redis_channel: self.redis_channel.clone(),
            db_pool: self.db_pool,
            limits: {
                let limits = crate::auth::limits::LimitConfig::default()
                    .with_send_rate(self.send_rate)
                    .with_signup_burst(self.signup_burst)
                    .with_login_burst(self.login_burst);
                match self.search_rate {
                    Some(rate) => limits.with_search_rate(rate),
                    None => limits,
                }
            },
            connections: ConnectionLimits {
                read_timeout: std::time::Duration::from_secs(self.read_timeout_secs),
                max_connections: self.max_connections,
                max_websockets: self.max_websockets,
                max_websockets_per_user: self.max_websockets_per_user,
                ..ConnectionLimits::default()
            },
            recall_window: std::time::Duration::from_secs(self.recall_window_secs),
            media: MediaConfig {
                max_upload: self.max_upload_mib * MIB,
                max_image: self.max_image_mib.min(self.max_upload_mib) * MIB,
                s3: self
                    .s3_bucket
                    .clone()
                    .filter(|b| !b.is_empty())
                    .map(|bucket| S3Config {
                        bucket,
                        endpoint: self.s3_endpoint.clone().filter(|e| !e.is_empty()),
                        region: self.s3_region.clone(),
                        credentials: self
                            .s3_access_key_id
                            .clone()
                            .zip(self.s3_secret_access_key.clone()),
                    }),
            },
        })
    }
}

impl ConfigArgs {
    /// The sign-in providers configured: GitHub when its client id is set, OpenID Connect when
    /// an issuer is. Each needs its other settings.
    fn sign_in(&self) -> Result<crate::sign_in::SignInConfig, String> {
        use crate::sign_in::{GithubConfig, OidcConfig, SignInConfig};
        let set = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        let github = match set(&self.github_client_id) {
            None => None,
            Some(client_id) => Some(GithubConfig {
                client_id,
                client_secret: set(&self.github_client_secret)
                    .ok_or("PARLEY_GITHUB_CLIENT_SECRET is needed with PARLEY_GITHUB_CLIENT_ID")?,
                auth_url: http_url("PARLEY_GITHUB_AUTH_URL", &self.github_auth_url)?,
                token_url: http_url("PARLEY_GITHUB_TOKEN_URL", &self.github_token_url)?,
                api_url: http_url("PARLEY_GITHUB_API_URL", &self.github_api_url)?
                    .trim_end_matches('/')
                    .to_owned(),
            }),
        };
        let oidc = match set(&self.oidc_issuer) {
            None => None,
            Some(issuer) => Some(OidcConfig {
                issuer: http_url("PARLEY_OIDC_ISSUER", &issuer)?,
                client_id: set(&self.oidc_client_id)
                    .ok_or("PARLEY_OIDC_CLIENT_ID is needed with PARLEY_OIDC_ISSUER")?,
                client_secret: set(&self.oidc_client_secret),
                name: match self.oidc_name.trim() {
                    "" => "Single sign-on".to_owned(),
                    name => name.chars().take(40).collect(),
                },
            }),
        };
        Ok(SignInConfig { github, oidc })
    }
}

/// `value` when it is an absolute `http(s)` URL, else an error naming `setting`.
fn http_url(setting: &str, value: &str) -> Result<String, String> {
    match url::Url::parse(value.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(value.trim().to_owned())
        }
        _ => Err(format!("{setting} must be an http(s) URL, got {value:?}")),
    }
}

/// `text` with the password of every URL in it (`scheme://user:password@host`) replaced by
/// `***`: what logs and error messages show of database and Redis URLs.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or whitespace.
        let end = tail
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact("postgres://parley:s3cret@db.internal:5432/parley?sslmode=require"),
            "postgres://parley:***@db.internal:5432/parley?sslmode=require"
        );
        assert_eq!(
            redact("redis at redis://:hunter2@cache:6379/0: connection refused"),
            "redis at redis://:***@cache:6379/0: connection refused"
        );
        assert_eq!(
            redact("postgres://postgres@h/db"),
            "postgres://postgres@h/db"
        );
        assert_eq!(redact("sqlite://data/parley.db"), "sqlite://data/parley.db");
        assert_eq!(redact("no url here"), "no url here");
        let shown = format!("{:?}", DatabaseUrl::Postgres("postgres://u:pw@h/d".into()));
        assert!(
            !shown.contains("pw") && shown.contains("u:***@h"),
            "{shown}"
        );
    }
}
