//! The hub's HTTP client: one request per protocol call, the protocol header on each, the
//! device token on all but `hello` and `join`, and every answer bounded.
//!
//! Where the token may travel is decided here: https (the system's certificate authorities, or
//! exactly the certificate an invite code pinned), or plain http only to a hub on this computer;
//! no redirect is ever followed (the token goes only to the address the device joined).

use std::time::Duration;

use podium_core::sync::{
    AuditEvent, Change, ErrorCode, Hello, JoinAnswer, JoinRequest, Member, PullAnswer, PushAnswer,
    PushRequest, Role, MAX_WAIT_SECS, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use podium_publish::http::{self, Failure};
use reqwest::blocking::{Client, RequestBuilder};
use serde::de::DeserializeOwned;
use url::Url;

use crate::{Error, Result};

/// The most read of a pulled page: [`podium_core::sync::MAX_PAGE`] changes, each at most a
/// draft's text and its versions (a few hundred KiB at the text cap) — far more than any real
/// page, and still a bound.
pub const MAX_PAGE_BODY: u64 = 64 * 1024 * 1024;

/// How long to wait for the hub to accept a connection: a hub that is not there answers at
/// once on a network, and a device that is offline should say so quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A one-time invite code the hub made for a new member, to pass on, and until when it works
/// (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invite {
    pub code: String,
    pub expires_at: String,
}

/// One hub, as this device talks to it.
#[derive(Debug, Clone)]
pub struct Hub {
    base: Url,
    client: Client,
    /// The client for long polls: the same, with a timeout past the longest wait.
    waiting: Client,
    token: Option<String>,
    /// The protocol version this client announces (the current one; tests speak an older one).
    protocol: u32,
}

impl Hub {
    /// A client for the hub at `address` (`https://…`, or `http://` on this computer), trusting
    /// exactly the certificate `pin` names when there is one.
    pub fn new(address: &str, pin: Option<&str>) -> Result<Hub> {
        let base = hub_url(address)?;
        let client = build(pin, http::request_timeout())?;
        let waiting = build(
            pin,
            Duration::from_secs(MAX_WAIT_SECS) + http::request_timeout(),
        )?;
        Ok(Hub {
            base,
            client,
            waiting,
            token: None,
            protocol: PROTOCOL_VERSION,
        })
    }

    /// The same client, sending `token` as the device's credential.
    pub fn with_token(mut self, token: String) -> Hub {
        self.token = Some(token);
        self
    }

    /// Speaks protocol `version` instead of this build's (for tests of an old device).
    #[doc(hidden)]
    pub fn speaking(mut self, version: u32) -> Hub {
        self.protocol = version;
        self
    }

    /// The hub's address as the device uses it (`https://hub.example/`).
    pub fn address(&self) -> &str {
        self.base.as_str()
    }

    /// `GET /v1/hello`.
    pub fn hello(&self) -> Result<Hello> {
        self.answer(self.request(&self.client, reqwest::Method::GET, "v1/hello")?)
    }

    /// `POST /v1/join`.
    pub fn join(&self, code: &str, device_name: &str) -> Result<JoinAnswer> {
        let body = JoinRequest {
            code: code.to_owned(),
            device_name: device_name.to_owned(),
        };
        self.answer(
            self.request(&self.client, reqwest::Method::POST, "v1/join")?
                .json(&body),
        )
    }

    /// `POST /v1/changes`.
    pub fn push(&self, changes: &[Change]) -> Result<PushAnswer> {
        let body = PushRequest {
            changes: changes.to_vec(),
        };
        self.answer(
            self.authed(&self.client, reqwest::Method::POST, "v1/changes")?
                .json(&body),
        )
    }

    /// `GET /v1/changes?after=…&limit=…[&wait=…]`: the next page after `after`; with `wait`,
    /// the hub holds the request open until there is news (at most that many seconds).
    pub fn pull(&self, after: u64, limit: usize, wait: Option<u64>) -> Result<PullAnswer> {
        let client = if wait.is_some() {
            &self.waiting
        } else {
            &self.client
        };
        let mut query = vec![("after", after.to_string()), ("limit", limit.to_string())];
        if let Some(secs) = wait {
            query.push(("wait", secs.min(MAX_WAIT_SECS).to_string()));
        }
        let request = self
            .authed(client, reqwest::Method::GET, "v1/changes")?
            .query(&query);
        self.answer_capped(request, MAX_PAGE_BODY)
    }

    /// `GET /v1/members`.
    pub fn members(&self) -> Result<Vec<Member>> {
        self.answer(self.authed(&self.client, reqwest::Method::GET, "v1/members")?)
    }

    /// `GET /v1/audit?entry=ID`: who did what to one outbox entry and its draft, and when.
    pub fn audit(&self, entry: &str) -> Result<Vec<AuditEvent>> {
        let request = self
            .authed(&self.client, reqwest::Method::GET, "v1/audit")?
            .query(&[("entry", entry)]);
        self.answer_capped(request, MAX_PAGE_BODY)
    }

    /// `DELETE /v1/devices/{id}`.
    pub fn revoke(&self, device_id: &str) -> Result<()> {
        let path = format!("v1/devices/{device_id}");
        let request = self.authed(&self.client, reqwest::Method::DELETE, &path)?;
        http::send(request).map_err(|f| self.failed(f))?;
        Ok(())
    }

    /// `POST /v1/invites`: a one-time code for a new member (an executive's device only).
    pub fn invite(&self, name: &str, role: Role) -> Result<Invite> {
        let body = serde_json::json!({ "name": name, "role": role });
        self.answer(
            self.authed(&self.client, reqwest::Method::POST, "v1/invites")?
                .json(&body),
        )
    }

    fn request(
        &self,
        client: &Client,
        method: reqwest::Method,
        path: &str,
    ) -> Result<RequestBuilder> {
        let url = self
            .base
            .join(path)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        Ok(client
            .request(method, url)
            .header(PROTOCOL_HEADER, self.protocol.to_string()))
    }

    fn authed(
        &self,
        client: &Client,
        method: reqwest::Method,
        path: &str,
    ) -> Result<RequestBuilder> {
        let token = self.token.as_deref().ok_or(Error::NotJoined)?;
        Ok(self.request(client, method, path)?.bearer_auth(token))
    }

    /// An authenticated request to `path` (the lease routes, `lease.rs`).
    pub(crate) fn authed_request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<RequestBuilder> {
        self.authed(&self.client, method, path)
    }

    pub(crate) fn answer<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        self.answer_capped(request, http::MAX_BODY)
    }

    fn answer_capped<T: DeserializeOwned>(&self, request: RequestBuilder, cap: u64) -> Result<T> {
        let response = http::send(request).map_err(|f| self.failed(f))?;
        let body = http::read_body(response, cap).map_err(|f| self.failed(f))?;
        serde_json::from_slice(&body).map_err(|e| Error::Hub {
            code: ErrorCode::BadRequest,
            message: format!(
                "the hub at {} answered something Podium cannot read ({e}): is it a Podium hub, \
                 and of this version?",
                self.origin()
            ),
        })
    }

    fn origin(&self) -> String {
        let mut origin = self.base.clone();
        origin.set_path("");
        origin.as_str().trim_end_matches('/').to_owned()
    }

    /// A failed request as this crate's error: no connection (or a proxy whose hub is down)
    /// is "unreachable"; the hub's own refusals keep their code.
    pub(crate) fn failed(&self, failure: Failure) -> Error {
        let hub = self.origin();
        match failure {
            Failure::NotSent(place) => Error::Unreachable {
                hub,
                why: place.to_string(),
            },
            Failure::Unclear(why) => Error::Unreachable { hub, why },
            Failure::TimedOut { secs } => Error::Unreachable {
                hub,
                why: format!("no answer within {secs} s"),
            },
            Failure::Status {
                status,
                code,
                message,
                ..
            } => {
                let code: Option<ErrorCode> =
                    serde_json::from_value(serde_json::Value::String(code)).ok();
                match (status, code) {
                    (426, _) | (_, Some(ErrorCode::UpdateRequired)) => Error::UpdateRequired,
                    (401, _) | (_, Some(ErrorCode::Unauthorized))
                        if message.to_ascii_lowercase().contains("revoked") =>
                    {
                        Error::Revoked
                    }
                    (401, _) | (_, Some(ErrorCode::Unauthorized)) => Error::Hub {
                        code: ErrorCode::Unauthorized,
                        message: format!(
                            "the hub at {hub} does not know this device ({message}): join the \
                             team again with a new invite code"
                        ),
                    },
                    (_, Some(ErrorCode::BadCode)) => Error::BadCode,
                    (502..=504, None) => Error::Unreachable {
                        hub,
                        why: format!("the server in front of it answered {status}"),
                    },
                    (_, Some(code)) => Error::Hub { code, message },
                    (_, None) => Error::Hub {
                        code: if status >= 500 {
                            ErrorCode::Internal
                        } else {
                            ErrorCode::BadRequest
                        },
                        message: format!("the hub at {hub} answered {status}: {message}"),
                    },
                }
            }
        }
    }
}

/// The hub's address as a base URL, refusing plain http to another machine: the device token
/// and every draft travel on it.
pub fn hub_url(address: &str) -> Result<Url> {
    let trimmed = address.trim();
    let mut url = Url::parse(trimmed).map_err(|_| {
        Error::Invalid(format!(
            "{trimmed:?} is not a hub address: give it as https://hub.example or, for a hub on \
             this computer, http://127.0.0.1:8730"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if url.host().as_ref().is_some_and(http::is_loopback) => {}
        "http" => {
            return Err(Error::Invalid(format!(
                "the hub {trimmed} uses plain http://, which would send your drafts and this \
                 device's token unencrypted over the network: use its https:// address (plain \
                 http is only for a hub on this computer, 127.0.0.1 or localhost)"
            )))
        }
        other => {
            return Err(Error::Invalid(format!(
                "{trimmed} is not a hub address (it starts with {other}:): use its https:// \
                 address"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Invalid(format!(
            "the hub address {trimmed} has a ?query or #part: give only the hub's address"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn build(pin: Option<&str>, timeout: Duration) -> Result<Client> {
    http::install_tls();
    let builder = Client::builder()
        .user_agent(podium_publish::USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        // The token goes only to the address the device joined: a redirect is an answer.
        .redirect(reqwest::redirect::Policy::none());
    let builder = match pin {
        Some(pin) => builder.tls_backend_preconfigured(crate::pin::Pinned::config(pin)),
        None => builder,
    };
    builder
        .build()
        .map_err(|e| Error::Invalid(format!("cannot set up the hub's connection: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_reaches_only_a_hub_on_this_computer() {
        for ok in [
            "https://hub.example",
            "http://127.0.0.1:8730",
            "http://localhost:8730/",
            "http://[::1]:8730",
        ] {
            assert!(hub_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://hub.example",
            "http://192.168.1.20:8730",
            "ftp://hub.example",
            "hub.example",
        ] {
            let e = hub_url(bad).map(|u| u.to_string()).unwrap_err().to_string();
            assert!(e.contains("https://"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_hub_behind_a_path_keeps_its_path() {
        let url = hub_url("https://team.example/podium").map(|u| u.to_string());
        assert_eq!(url.ok().as_deref(), Some("https://team.example/podium/"));
        let hello = hub_url("https://team.example/podium")
            .and_then(|u| {
                u.join("v1/hello")
                    .map_err(|e| Error::Invalid(e.to_string()))
            })
            .map(|u| u.to_string());
        assert_eq!(
            hello.ok().as_deref(),
            Some("https://team.example/podium/v1/hello")
        );
    }

    #[test]
    fn a_hub_that_is_not_there_is_unreachable_with_the_reason() {
        // A port nothing listens on (bound, then closed).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let hub = Hub::new(&format!("http://127.0.0.1:{port}"), None);
        match hub.and_then(|h| h.hello()) {
            Err(Error::Unreachable { hub, why }) => {
                assert!(hub.contains(&port.to_string()), "{hub}");
                assert!(!why.is_empty());
            }
            other => panic!("expected unreachable, got {other:?}"),
        }
    }
}
