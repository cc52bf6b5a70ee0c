//! The HTTP client sign-in uses: no redirects followed, short timeouts, answers read up to a
//! bound. It serves `openidconnect` (as its async HTTP client), GitHub's endpoints, and
//! profile pictures, which come from addresses a provider's user may choose and so go through
//! the outgoing-webhook address guard.

use std::time::Duration;

use openidconnect::{HttpRequest, HttpResponse};
use reqwest_s3::Url;

use super::ProviderError;
use crate::webhooks::guard;

/// Longest wait for a provider's answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest answer read from a provider's endpoint (discovery, keys, tokens, profiles).
pub const ANSWER_MAX: usize = 256 * 1024;
/// Largest profile picture fetched.
pub const PICTURE_MAX: usize = 2 * 1024 * 1024;

/// A failed provider request, for `openidconnect`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(pub String);

/// The clients.
pub struct ProviderClient {
    /// For the operator's configured endpoints.
    plain: Option<reqwest_s3::Client>,
    /// For pictures: the address guard's resolver.
    guarded: Option<reqwest_s3::Client>,
    /// Private addresses allowed for pictures.
    allow_private: bool,
}

fn builder() -> reqwest_s3::ClientBuilder {
    reqwest_s3::Client::builder()
        .redirect(reqwest_s3::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("Parley/", env!("CARGO_PKG_VERSION")))
}

impl ProviderClient {
    /// Builds both clients (a failure is logged, and sign-in with providers then fails).
    pub fn new(allow_private: bool) -> Self {
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let built = |b: reqwest_s3::ClientBuilder| {
            b.build()
                .map_err(|e| tracing::error!(error = %e, "sign-in HTTP client could not be built"))
                .ok()
        };
        Self {
            plain: built(builder()),
            guarded: built(
                builder()
                    .no_proxy()
                    .dns_resolver(guard::GuardedResolver { allow_private }),
            ),
            allow_private,
        }
    }

    fn plain(&self) -> Result<&reqwest_s3::Client, HttpError> {
        self.plain
            .as_ref()
            .ok_or_else(|| HttpError("no HTTP client".into()))
    }

    /// Sends `request` (what `openidconnect` asks for) and reads the answer.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let mut builder = self
            .plain()?
            .request(parts.method, parts.uri.to_string())
            .body(body);
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let res = builder
            .send()
            .await
            .map_err(|e| HttpError(e.without_url().to_string()))?;
        let status = res.status();
        let headers = res.headers().clone();
        let body = read_capped(res, ANSWER_MAX).await?;
        let mut out = HttpResponse::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }

    /// Posts `form` to `url` asking for JSON (GitHub's token endpoint); the status and body.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>), ProviderError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let res = self
            .plain()
            .map_err(|e| ProviderError::Request(e.0))?
            .post(url)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        answer(res).await
    }

    /// GETs `url` with `bearer` (GitHub's API); the status and body.
    pub async fn get_json(&self, url: &str, bearer: &str) -> Result<(u16, Vec<u8>), ProviderError> {
        let res = self
            .plain()
            .map_err(|e| ProviderError::Request(e.0))?
            .get(url)
            .header("accept", "application/vnd.github+json")
            .bearer_auth(bearer);
        answer(res).await
    }

    /// The bytes at `url` when it is an `http(s)` URL the address guard lets through, it
    /// answers 200 and it holds at most [`PICTURE_MAX`] bytes.
    pub async fn picture(&self, url: &str) -> Option<Vec<u8>> {
        let parsed = Url::parse(url).ok()?;
        if !matches!(parsed.scheme(), "http" | "https")
            || !guard::literal_allowed(&parsed, self.allow_private)
        {
            return None;
        }
        let res = self.guarded.as_ref()?.get(parsed).send().await.ok()?;
        if !res.status().is_success() {
            return None;
        }
        read_capped(res, PICTURE_MAX).await.ok()
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for ProviderClient {
    type Error = HttpError;
    type Future = futures_util::future::BoxFuture<'c, Result<HttpResponse, HttpError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// Sends `request`; the answer's status and body (at most [`ANSWER_MAX`] bytes).
async fn answer(request: reqwest_s3::RequestBuilder) -> Result<(u16, Vec<u8>), ProviderError> {
    let res = request
        .send()
        .await
        .map_err(|e| ProviderError::Request(e.without_url().to_string()))?;
    let status = res.status().as_u16();
    let body = read_capped(res, ANSWER_MAX)
        .await
        .map_err(|e| ProviderError::Request(e.0))?;
    Ok((status, body))
}

/// The body of `res`, refused past `max` bytes (declared or received).
async fn read_capped(mut res: reqwest_s3::Response, max: usize) -> Result<Vec<u8>, HttpError> {
    if res.content_length().is_some_and(|len| len > max as u64) {
        return Err(HttpError(format!("answer larger than {max} bytes")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| HttpError(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > max {
            return Err(HttpError(format!("answer larger than {max} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
