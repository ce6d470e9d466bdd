//! The HTTP clients every network uses, and one way to read what went wrong.
//!
//! What a server can do to Podium is bounded here: an answer is read to at most [`MAX_BODY`]
//! (1 MiB), whatever its `Content-Length` says; a request that carries a secret (a sign-in, a
//! token, a password, a bearer token) follows no redirect ([`secret_client`]), and the others
//! follow one only on the same host and never from https down to http ([`client`]); plain
//! `http://` is only for a server on this computer ([`require_https`]); and what a token
//! endpoint answered is never quoted in an error ([`Failure::without_body`]).
//!
//! The question that matters after a failed request is not "what status" but "could the post
//! exist now?" — [`Failure`] answers it: a request that never left (connection refused, DNS)
//! is `NotSent`; a server that answered with an error made nothing (`Status`, except that a 5xx
//! may come from a proxy after the server did its work — the publisher treats those as
//! possibly made); a timeout or a dropped connection after the request left is `Unclear`.

use std::io::Read;
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

/// The most Podium reads of an API's answer: no answer it expects comes near this, and a
/// server that sends more (by mistake or on purpose) cannot fill the memory.
pub const MAX_BODY: u64 = 1024 * 1024;

/// How many redirects a request without secrets may follow.
const MAX_REDIRECTS: usize = 5;

/// The client for requests that carry no secret and get none back (an instance's public
/// limits, its OAuth metadata, a handle's DID): rustls, timeouts, Podium's User-Agent. It
/// follows a redirect only on the same host and never from https down to http.
pub fn client() -> Client {
    builder()
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if may_follow(attempt.previous(), attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .unwrap_or_else(|_| bare_client(reqwest::redirect::Policy::none()))
}

/// Whether a request that went through `previous` (the first address first) may follow a
/// redirect to `next`: at most five (`MAX_REDIRECTS`), on the first address's host and port (or
/// up from http to https's own port), and never from https down to http.
pub fn may_follow(previous: &[url::Url], next: &url::Url) -> bool {
    let (Some(first), Some(last)) = (previous.first(), previous.last()) else {
        return false;
    };
    previous.len() <= MAX_REDIRECTS
        && next.host_str() == first.host_str()
        && (next.port_or_known_default() == first.port_or_known_default()
            || (first.scheme() == "http" && next.scheme() == "https" && next.port().is_none()))
        && (next.scheme() == "https" || (last.scheme() == "http" && first.scheme() == "http"))
}

/// The client for sign-ins, token requests and every request that carries a password, a
/// token or a client secret: it follows no redirect at all (a 3xx is an answer, and
/// [`send`] reports it), so a secret only ever goes to the address Podium chose.
pub fn secret_client() -> Client {
    builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| bare_client(reqwest::redirect::Policy::none()))
}

/// The fallback when a configured client cannot be built (it does not happen with rustls and
/// ring): the same redirect rule and nothing else, never reqwest's defaults, which follow
/// redirects to any host. Only a setting above can make the configured build fail, and this one
/// has none of them; were even this to fail, so would reqwest's own default client, which
/// panics rather than sending anything.
fn bare_client(redirect: reqwest::redirect::Policy) -> Client {
    install_tls();
    Client::builder()
        .redirect(redirect)
        .build()
        .unwrap_or_else(|_| Client::new())
}

fn builder() -> reqwest::blocking::ClientBuilder {
    install_tls();
    Client::builder()
        .user_agent(crate::USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(request_timeout())
}

/// Whether `host` is this computer (127.0.0.0/8, ::1, `localhost`).
pub fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Checks that `address` (`what` names it for the message) is https, or plain http to a
/// server on this computer (a test server, a local PDS): sign-ins and tokens never travel
/// unencrypted over a network.
pub fn require_https(address: &str, what: &str) -> crate::Result<()> {
    let url = url::Url::parse(address.trim())
        .map_err(|_| crate::Error::Invalid(format!("{what} {address:?} is not a web address")))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host().as_ref().is_some_and(is_loopback) => Ok(()),
        "http" => Err(crate::Error::Invalid(format!(
            "{what} {address} uses plain http://, which would send your sign-in unencrypted: \
             use its https:// address (plain http is only for a server on this computer, \
             127.0.0.1 or localhost)"
        ))),
        other => Err(crate::Error::Invalid(format!(
            "{what} {address} is not a web address (it starts with {other}:): use its https:// address"
        ))),
    }
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
            // A limit, in the one set of words for every network (`podium_core::wait`).
            Failure::Status {
                status: 429,
                code,
                message,
                retry_after,
            } => {
                if LIMIT_CODES.contains(&code.as_str()) {
                    return message.clone();
                }
                match network.parse::<podium_core::network::Network>() {
                    Ok(network) => podium_core::wait::Limit::RateLimited {
                        network,
                        wait: *retry_after,
                    }
                    .to_string(),
                    Err(_) => format!("{network} answered 429: {message}"),
                }
            }
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

    /// The failure with nothing of the server's body in it: for the answers of sign-in and
    /// token endpoints, whose words are never quoted (only the status and an OAuth error code).
    pub fn without_body(self) -> Failure {
        match self {
            Failure::Status {
                status,
                code,
                message,
                retry_after,
            } => {
                let code = safe_code(&code).unwrap_or_default().to_owned();
                let message = if status / 100 == 3 {
                    message // Podium's own words about a redirect
                } else if code.is_empty() {
                    String::new()
                } else {
                    format!("error {code}")
                };
                Failure::Status {
                    status,
                    code,
                    message,
                    retry_after,
                }
            }
            Failure::Unclear(why) if why.starts_with("the answer was not valid JSON") => {
                Failure::Unclear("the answer was not the JSON Podium expects".into())
            }
            other => other,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The codes of a `429` whose message a network's module already worded as a
/// `podium_core::wait::Limit` (a rate limit, a usage cap, a posting quota).
pub const LIMIT_CODES: [&str; 3] = ["rate_limit", "usage_cap", "quota"];

/// Sends a request and reads a JSON answer of type `T` (at most [`MAX_BODY`]).
pub fn json<T: DeserializeOwned>(request: RequestBuilder) -> Result<(T, HeaderMap), Failure> {
    let response = send(request)?;
    let headers = response.headers().clone();
    let body = read_body(response, MAX_BODY)?;
    serde_json::from_slice(&body)
        .map(|v| (v, headers))
        .map_err(|_| {
            Failure::Unclear(format!(
                "the answer was not valid JSON: {}",
                excerpt(&String::from_utf8_lossy(&body))
            ))
        })
}

/// [`json`] for an answer that carries secrets (a sign-in, a token): no failure quotes
/// anything of the body, whether it is an error or a success Podium could not read.
pub fn token_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, Failure> {
    let response = send(request).map_err(Failure::without_body)?;
    let body = read_body(response, MAX_BODY)?;
    serde_json::from_slice(&body)
        .map_err(|_| Failure::Unclear("the answer was not the JSON Podium expects".into()))
}

/// Reads at most `limit` bytes of a body: a longer one (whatever its `Content-Length` says, or
/// without one) is an error, and reading stops there.
pub fn read_body(response: Response, limit: u64) -> Result<Vec<u8>, Failure> {
    let too_big = || {
        Failure::Unclear(format!(
            "its answer was larger than {}, far more than any answer Podium expects, so Podium \
             stopped reading it",
            size_in_words(limit)
        ))
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    response
        .take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| Failure::Unclear(format!("the answer was cut off ({e})")))?;
    if body.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(body)
}

fn size_in_words(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// Sends a request; a non-success status becomes [`Failure::Status`] (a redirect too: the
/// clients follow none where a secret travels, and no other host's).
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
    if status.is_redirection() {
        let to = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .and_then(|l| response.url().join(l).ok())
            .map_or_else(|| "another address".to_owned(), |u| origin(&u));
        return Err(Failure::Status {
            status: status.as_u16(),
            code: "redirect".into(),
            message: format!(
                "it redirected to {to}, which Podium does not follow (a sign-in or a post only \
                 goes to the address you gave; use the server's own https address)"
            ),
            retry_after,
        });
    }
    // An error body is only quoted in part: reading stops at the cap.
    let mut body = Vec::new();
    let _ = response.take(MAX_BODY).read_to_end(&mut body);
    let (code, message) = error_fields(&String::from_utf8_lossy(&body));
    Err(Failure::Status {
        status: status.as_u16(),
        code,
        message,
        retry_after,
    })
}

/// `scheme://host[:port]` of an address: never its path or query, which may carry a code.
fn origin(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", url.scheme()),
        (Some(h), None) => format!("{}://{h}", url.scheme()),
        _ => "another address".to_owned(),
    }
}

/// An OAuth error code as a server gave it, if it looks like one (`invalid_grant`): letters,
/// digits, `_ - . : /` and at most 64 of them. Anything else is not quoted.
pub fn safe_code(code: &str) -> Option<&str> {
    let code = code.trim();
    (!code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':' | b'/')))
    .then_some(code)
}

/// `error` / `message` / `error_description` of an error body (atproto and Mastodon shapes).
fn error_fields(body: &str) -> (String, String) {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(body) else {
        return (String::new(), excerpt(body));
    };
    // Meta's Graph API (Threads) nests its error: `{"error": {"message", "type", "code"}}`.
    if v.get("error").is_some_and(serde_json::Value::is_object) {
        v = v["error"].take();
    }
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    // atproto and Mastodon: `error`; X problems (RFC 7807): `type`, `title`, `detail`;
    // LinkedIn: `serviceErrorCode`, `message`; Meta: `type` (`OAuthException`), `message`.
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
    fn redirects_stay_on_the_host_and_never_go_down_to_http() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        let start = [u("https://m.example/api/v2/instance")];
        assert!(may_follow(&start, &u("https://m.example/api/v2/instance/")));
        assert!(!may_follow(&start, &u("http://m.example/api/v2/instance")));
        assert!(!may_follow(
            &start,
            &u("https://evil.example/api/v2/instance")
        ));
        assert!(!may_follow(
            &[u("http://127.0.0.1:3000/a"), u("https://127.0.0.1:3000/b")],
            &u("http://127.0.0.1:3000/c")
        ));
        assert!(may_follow(
            &[u("http://127.0.0.1:3000/a")],
            &u("http://127.0.0.1:3000/b")
        ));
        // The same host on another port is another server.
        assert!(!may_follow(
            &start,
            &u("https://m.example:8443/api/v2/instance")
        ));
        assert!(!may_follow(
            &[u("http://127.0.0.1:3000/a")],
            &u("http://127.0.0.1:3001/a")
        ));
        // Up from http to https's own port is the same server.
        assert!(may_follow(
            &[u("http://m.example/a")],
            &u("https://m.example/a")
        ));
        let six: Vec<url::Url> = (0..6)
            .map(|i| u(&format!("https://m.example/{i}")))
            .collect();
        assert!(!may_follow(&six, &u("https://m.example/7")));
    }

    #[test]
    fn plain_http_is_only_for_this_computer() {
        for ok in [
            "https://bsky.social",
            "http://127.0.0.1:2583",
            "http://localhost:3000",
            "http://[::1]:8080",
        ] {
            assert!(require_https(ok, "the server").is_ok(), "{ok}");
        }
        for bad in ["http://bsky.example", "http://10.0.0.2", "ftp://x.example"] {
            let e = require_https(bad, "the server").unwrap_err().to_string();
            assert!(e.contains("https://"), "{e}");
        }
    }

    #[test]
    fn a_token_failure_keeps_only_the_status_and_a_code() {
        let f = Failure::Status {
            status: 400,
            code: "invalid_grant".into(),
            message: "refresh token sk-live-0123 revoked".into(),
            retry_after: None,
        }
        .without_body();
        let text = f.describe("X");
        assert!(
            text.contains("400") && text.contains("invalid_grant"),
            "{text}"
        );
        assert!(!text.contains("sk-live"), "{text}");
        let odd = Failure::Status {
            status: 400,
            code: "sk live 0123 <b>".into(),
            message: String::new(),
            retry_after: None,
        }
        .without_body();
        assert!(!odd.describe("X").contains("sk live"));
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
