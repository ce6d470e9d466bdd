//! One HTTP client for every network, and one way to read what went wrong.
//!
//! The question that matters after a failed request is not "what status" but "could the post
//! exist now?" — [`Failure`] answers it: a request that never left (connection refused, DNS)
//! is `NotSent`; a server that answered with an error made nothing (`Status`, except that a 5xx
//! may come from a proxy after the server did its work — the publisher treats those as
//! possibly made); a timeout or a dropped connection after the request left is `Unclear`.

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// How long to wait for a server to accept a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a whole request may take: [`REQUEST_TIMEOUT`], or in debug builds
/// `PODIUM_HTTP_TIMEOUT_SECS` (the contract tests, which run the debug `podium`, shorten it to
/// see timeouts in seconds; the release app has no such switch).
pub fn request_timeout() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var("PODIUM_HTTP_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        return Duration::from_secs(secs);
    }
    REQUEST_TIMEOUT
}

/// Makes ring rustls's crypto provider for the process, once. reqwest is built without a
/// provider of its own (one provider, not two, is linked: see the workspace `Cargo.toml`), and
/// building a client before a provider is installed panics, so [`client`] calls this first; code
/// that builds its own reqwest client (tests) calls it too.
pub fn install_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // An error means a provider is installed already, and that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The client every network module uses: rustls, timeouts, Podium's User-Agent.
pub fn client() -> Client {
    install_tls();
    Client::builder()
        .user_agent(crate::USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(request_timeout())
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap_or_else(|_| Client::new())
}

/// What went wrong with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The request never reached the server (no connection, no such host).
    NotSent(String),
    /// The request may have reached the server, and no answer came back (timeout, connection
    /// dropped, or a success whose body could not be read).
    Unclear(String),
    /// The server answered with an error.
    Status {
        status: u16,
        /// The server's error code (`error` field), e.g. `ExpiredToken`.
        code: String,
        /// The server's own words, for the user.
        message: String,
        /// When the server said to come back (`Retry-After`, rate-limit reset headers).
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// The failure in words, for the queue (never includes credentials: requests carry them
    /// in headers, and only bodies and statuses are quoted).
    pub fn describe(&self, network: &str) -> String {
        match self {
            Failure::NotSent(why) => format!("{network} could not be reached: {why}"),
            Failure::Unclear(why) => format!("no answer from {network}: {why}"),
            Failure::Status {
                status, message, ..
            } => {
                if message.is_empty() {
                    format!("{network} answered {status}")
                } else {
                    format!("{network} answered {status}: {message}")
                }
            }
        }
    }

    /// A temporary condition worth retrying later (rate limit, server trouble, no connection).
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::NotSent(_) | Failure::Unclear(_) => true,
            Failure::Status { status, .. } => {
                *status == 408 || *status == 429 || (500..600).contains(status)
            }
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Sends a request and reads a JSON answer of type `T`.
pub fn json<T: DeserializeOwned>(request: RequestBuilder) -> Result<(T, HeaderMap), Failure> {
    let response = send(request)?;
    let headers = response.headers().clone();
    let body = response
        .text()
        .map_err(|e| Failure::Unclear(format!("the answer was cut off ({})", short(&e))))?;
    serde_json::from_str(&body)
        .map(|v| (v, headers))
        .map_err(|_| Failure::Unclear(format!("the answer was not valid JSON: {}", excerpt(&body))))
}

/// Sends a request; a non-success status becomes [`Failure::Status`].
pub fn send(request: RequestBuilder) -> Result<Response, Failure> {
    let response = request.send().map_err(|e| {
        if e.is_connect() {
            Failure::NotSent(short(&e))
        } else if e.is_timeout() {
            Failure::Unclear(format!(
                "it did not answer within {} s",
                request_timeout().as_secs()
            ))
        } else {
            Failure::Unclear(short(&e))
        }
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = retry_after(response.headers());
    let body = response.text().unwrap_or_default();
    let (code, message) = error_fields(&body);
    Err(Failure::Status {
        status: status.as_u16(),
        code,
        message,
        retry_after,
    })
}

/// `error` / `message` / `error_description` of an error body (atproto and Mastodon shapes).
fn error_fields(body: &str) -> (String, String) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return (String::new(), excerpt(body));
    };
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    // atproto and Mastodon: `error`; X problems (RFC 7807): `type`, `title`, `detail`;
    // LinkedIn: `serviceErrorCode`, `message`.
    let code = [field("error"), field("type"), field("code")]
        .into_iter()
        .find(|c| !c.is_empty())
        .unwrap_or_default();
    let message = [
        field("message"),
        field("detail"),
        field("error_description"),
        field("title"),
        field("error"),
    ]
    .into_iter()
    .find(|m| !m.is_empty())
    .unwrap_or_default();
    (code, message)
}

/// When the server says to come back: `Retry-After` (seconds or an HTTP date), else a
/// rate-limit reset (`X-RateLimit-Reset` / `RateLimit-Reset`: a time or a Unix timestamp).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc2822(v.trim()) {
            return (t.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .ok();
        }
    }
    for name in ["x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset"] {
        let Some(v) = get(name) else { continue };
        let v = v.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
            return (t.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .ok();
        }
        if let Ok(n) = v.parse::<i64>() {
            // A Unix time (seconds since 1970) or, in the IETF draft, seconds from now.
            let now = chrono::Utc::now().timestamp();
            let secs = if n > 1_000_000_000 { n - now } else { n };
            return u64::try_from(secs).ok().map(Duration::from_secs);
        }
    }
    None
}

fn short(e: &reqwest::Error) -> String {
    // reqwest's error chain, with the URL left out (a query could hold a code).
    let text = error_chain(e);
    match e.url() {
        Some(url) => text.replace(url.as_str(), url.path()),
        None => text,
    }
}

/// An error and its sources, `outer: inner: …`.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn excerpt(body: &str) -> String {
    let body = body.trim();
    let mut out: String = body.chars().take(160).collect();
    if out.len() < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_reset_times() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        let mut h = HeaderMap::new();
        let reset = (chrono::Utc::now() + chrono::Duration::seconds(300)).timestamp();
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&reset.to_string()).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(d.as_secs() > 290 && d.as_secs() <= 300, "{d:?}");
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn error_bodies_give_code_and_message() {
        assert_eq!(
            error_fields(r#"{"error":"ExpiredToken","message":"Token has expired"}"#),
            ("ExpiredToken".into(), "Token has expired".into())
        );
        assert_eq!(
            error_fields(r#"{"error":"Validation failed: Text character limit of 500 exceeded"}"#)
                .1,
            "Validation failed: Text character limit of 500 exceeded"
        );
        assert_eq!(
            error_fields("<html>Bad gateway</html>").1,
            "<html>Bad gateway</html>"
        );
    }
}

/// Why a call on an account did not succeed, as the publisher needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The request failed (see [`Failure`]).
    Net(Failure),
    /// The account's sign-in is no longer accepted (even after a refresh): reconnect it.
    Reconnect(String),
    /// The keyring could not be read or written.
    Keyring(String),
}

impl From<Failure> for Problem {
    fn from(f: Failure) -> Problem {
        Problem::Net(f)
    }
}
