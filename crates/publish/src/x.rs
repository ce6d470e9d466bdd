//! X: sign in with OAuth 2.0 (authorization code with PKCE, as a public native client, through
//! the `oauth2` crate) or with OAuth 1.0a user tokens, and post with `POST /2/tweets`.
//!
//! X offers no idempotency key. So a request whose outcome is unclear (a timeout, a 5xx, an
//! answer that cannot be read, or a part found `sending` after a crash) is never retried
//! blindly: Podium looks the text up among the account's recent posts (`GET
//! /2/users/:id/tweets`); found → sent; not found → `unknown`, and the user decides. A 403
//! "duplicate content" counts as posted only when that lookup finds the post.
//!
//! API facts relied on (docs.x.com): the authorization endpoint `https://x.com/i/oauth2/authorize`
//! and the token endpoint `POST https://api.x.com/2/oauth2/token`; a public client sends its
//! `client_id` in the body; authorization codes must be exchanged within 30 seconds; with
//! `offline.access` the token answer carries a refresh token, which rotates on every refresh;
//! `x-rate-limit-reset` is a Unix time; problems carry a `type` such as
//! `…/problems/usage-capped`; a 200 may carry `errors[]`.
//!
//! Images (docs.x.com, X API v2 "Upload media", "Create Media metadata", "Create Post"): each
//! prepared image goes up by `POST /2/media/upload` as `multipart/form-data` with the file in
//! `media` and `media_category=tweet_image` (the answer's `data.id` is the media id, valid for
//! `expires_after_secs`); its alt text by `POST /2/media/metadata` with
//! `{"id", "metadata": {"alt_text": {"text"}}}` (at most 1,000 characters,
//! `podium_core::media::X_ALT_MAX`); then `POST /2/tweets` names them in
//! `media.media_ids` (at most 4 photos). A post with media is shown back with a t.co link to the
//! media after its text, which the lookup allows for.

use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl,
    RefreshToken, Scope, TokenResponse, TokenUrl,
};
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_core::wait::Limit;
use podium_store::Account;
use reqwest::blocking::{Client, RequestBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::channel::Keyless;
use crate::credentials;
use crate::http::{self, Failure, Problem};
use crate::loopback::{self, Loopback};
use crate::oauth::{self, OAuth1Keys};
use crate::{Error, Result};

pub const API: &str = "https://api.x.com";
pub const AUTHORIZE: &str = "https://x.com/i/oauth2/authorize";
pub const SCOPES: [&str; 4] = ["tweet.read", "tweet.write", "users.read", "offline.access"];
/// The loopback port of the redirect URI the person registers in their X app
/// (`http://127.0.0.1:8719/callback`): X matches redirect URIs exactly.
pub const REDIRECT_PORT: u16 = 8719;
/// X lets an authorization code live 30 seconds; Podium exchanges it at once.
pub const CODE_LIFETIME: Duration = Duration::from_secs(30);
/// How long an access token lives when X does not say (X: two hours).
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(7200);

/// What the keyring holds for an X account.
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Secret {
    OAuth2 {
        client_id: String,
        access_token: String,
        refresh_token: String,
        expires_at: DateTime<Utc>,
        token_url: String,
    },
    OAuth1 {
        consumer_key: String,
        consumer_secret: String,
        token: String,
        token_secret: String,
    },
}

redacted_debug!(Secret);

/// Where X lives (the real one by default; tests point these at a local server).
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub api: String,
    pub authorize: String,
}

impl Default for Endpoints {
    fn default() -> Endpoints {
        Endpoints {
            api: API.into(),
            authorize: AUTHORIZE.into(),
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub name: String,
}

fn token_url(api: &str) -> String {
    format!("{}/2/oauth2/token", api.trim_end_matches('/'))
}

/// The OAuth 2.0 sign-in, step by step, so the caller can show the address.
pub fn oauth2_sign_in(
    endpoints: &Endpoints,
    client_id: &str,
    port: u16,
    show: &mut dyn FnMut(&str),
) -> Result<(Me, Secret)> {
    http::require_https(&endpoints.api, "X's API address")?;
    http::require_https(&endpoints.authorize, "X's sign-in page")?;
    let listener = Loopback::bind_port(port)?;
    let client = BasicClient::new(ClientId::new(client_id.trim().to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(
            AuthUrl::new(endpoints.authorize.clone()).map_err(|e| Error::Invalid(e.to_string()))?,
        )
        .set_token_uri(
            TokenUrl::new(token_url(&endpoints.api)).map_err(|e| Error::Invalid(e.to_string()))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(listener.redirect_uri()).map_err(|e| Error::Invalid(e.to_string()))?,
        );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = loopback::new_state();
    let (url, _) = client
        .authorize_url(|| CsrfToken::new(state.clone()))
        .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
        .set_pkce_challenge(challenge)
        .url();
    show(url.as_str());
    let code = listener.wait_for_code(&state, crate::connect::BROWSER_TIMEOUT)?;
    // Straight to the exchange: the code lives 30 seconds.
    let status = oauth::LastStatus::default();
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&|r| status.send(r))
        .map_err(|e| {
            Error::SignIn(Reason::SignInNotAccepted {
                network: Network::X,
                detail: oauth::token_error(&e, &status),
            })
        })?;
    let refresh = token.refresh_token().ok_or_else(|| {
        Error::SignIn(Reason::NoRefreshToken {
            network: Network::X,
        })
    })?;
    let secret = Secret::OAuth2 {
        client_id: client_id.trim().to_owned(),
        access_token: token.access_token().secret().clone(),
        refresh_token: refresh.secret().clone(),
        expires_at: oauth::expires_at(token.expires_in(), DEFAULT_LIFETIME),
        token_url: token_url(&endpoints.api),
    };
    let me = who_am_i(&endpoints.api, &secret)?;
    Ok((me, secret))
}

/// Checks OAuth 1.0a user tokens and returns who they belong to.
pub fn oauth1_sign_in(api: &str, secret: &Secret) -> Result<Me> {
    http::require_https(api, "X's API address")?;
    who_am_i(api, secret)
}

fn who_am_i(api: &str, secret: &Secret) -> Result<Me> {
    #[derive(Deserialize)]
    struct Answer {
        data: Me,
    }
    let url = format!("{}/2/users/me", api.trim_end_matches('/'));
    let request = authorize(http::secret_client().get(&url), "GET", &url, &[], secret);
    match http::json::<Answer>(request) {
        Ok((a, _)) => Ok(a.data),
        Err(Failure::Status {
            status: 401 | 403,
            message,
            ..
        }) => Err(Error::SignIn(Reason::CredentialsRefused {
            network: Network::X,
            detail: message,
        })),
        Err(f) => Err(Error::Network(f.reason(Network::X))),
    }
}

fn authorize(
    request: RequestBuilder,
    method: &str,
    url: &str,
    query: &[(&str, &str)],
    secret: &Secret,
) -> RequestBuilder {
    match secret {
        Secret::OAuth2 { access_token, .. } => request.bearer_auth(access_token),
        Secret::OAuth1 {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
        } => {
            let keys = OAuth1Keys {
                consumer_key,
                consumer_secret,
                token,
                token_secret,
            };
            request.header(
                "authorization",
                oauth::oauth1_header(method, url, query, &keys),
            )
        }
    }
}

/// A client for one connected X account.
pub struct X {
    http: Client,
    api: String,
    user_id: String,
    username: String,
    reference: String,
    secret: Secret,
    /// The media ids [`Keyless::attach`] uploaded for the next post, in order.
    media: Vec<String>,
}

redacted_debug!(X);

/// What posting answered.
#[derive(Debug)]
pub enum Posted {
    Sent {
        id: String,
    },
    /// X refused because the text is already posted (403 duplicate content).
    Duplicate,
}

impl X {
    pub fn open(account: &Account) -> Result<X, Problem> {
        http::require_https_for(&account.service, "X's API address", Network::X)?;
        let secret: Secret =
            credentials::load_latest(&account.credential_ref).map_err(Problem::keyring)?;
        Ok(X {
            http: http::secret_client(),
            api: account.service.trim_end_matches('/').to_owned(),
            user_id: account.remote_id.clone(),
            username: account.handle.trim_start_matches('@').to_owned(),
            reference: account.credential_ref.clone(),
            secret,
            media: Vec::new(),
        })
    }

    /// Renews an OAuth 2.0 access token (single-flight; the rotated refresh token is stored
    /// before the new access token is used). OAuth 1.0a tokens do not expire.
    fn refresh(&mut self, expired_access: &str) -> Result<(), Problem> {
        self.refresh_with(expired_access, &|reference, secret| {
            credentials::save(reference, secret)
        })
    }

    /// [`X::refresh`] with the keyring's `save` given. X rotates the refresh token on every
    /// refresh — the old one is dead once X answers — so when the keyring refuses the new
    /// tokens they are not dropped: this process keeps and uses them, tries the keyring again
    /// on each load and [`credentials::retry_unsaved`], and says so.
    fn refresh_with(
        &mut self,
        expired_access: &str,
        save: &dyn Fn(&str, &Secret) -> Result<()>,
    ) -> Result<(), Problem> {
        let Secret::OAuth2 {
            client_id,
            refresh_token,
            token_url,
            ..
        } = self.secret.clone()
        else {
            return Err(Problem::Reconnect(Reason::SignInEnded {
                network: Network::X,
            }));
        };
        let lock = credentials::refresh_lock(&self.reference);
        let _guard = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Ok(stored @ Secret::OAuth2 { .. }) =
            credentials::load_latest::<Secret>(&self.reference)
        {
            if let Secret::OAuth2 { access_token, .. } = &stored {
                if access_token != expired_access {
                    self.secret = stored;
                    return Ok(());
                }
            }
        }
        http::require_https_for(&token_url, "X's token address", Network::X)?;
        let refused = |detail: String| {
            Problem::Reconnect(Reason::SignInRefused {
                network: Network::X,
                detail,
            })
        };
        let client = BasicClient::new(ClientId::new(client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::new(token_url.clone()).map_err(|e| refused(e.to_string()))?);
        let status = oauth::LastStatus::default();
        let token = client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.clone()))
            .request(&|r| status.send(r))
            .map_err(|e| refused(oauth::token_error(&e, &status)))?;
        let secret = Secret::OAuth2 {
            client_id,
            access_token: token.access_token().secret().clone(),
            refresh_token: token
                .refresh_token()
                .map_or(refresh_token, |r| r.secret().clone()),
            expires_at: oauth::expires_at(token.expires_in(), DEFAULT_LIFETIME),
            token_url,
        };
        if let Err(e) = save(&self.reference, &secret) {
            let what = format!("@{} on X", self.username);
            tracing::warn!(account = %what, error = %e, "the keyring refused X's renewed tokens; keeping them in memory");
            credentials::keep_unsaved(&self.reference, &what, &secret);
        }
        self.secret = secret;
        Ok(())
    }

    fn access_token(&self) -> String {
        match &self.secret {
            Secret::OAuth2 { access_token, .. } => access_token.clone(),
            Secret::OAuth1 { token, .. } => token.clone(),
        }
    }

    /// Sends a request `make` builds (signed for the current tokens) and reads its JSON; an
    /// expired access token is renewed once and the request sent again.
    fn call(
        &mut self,
        method: &str,
        url: &str,
        make: &dyn Fn(&Client) -> RequestBuilder,
    ) -> Result<Value, Problem> {
        let mut refreshed = false;
        loop {
            let request = authorize(make(&self.http), method, url, &[], &self.secret);
            match http::json::<Value>(request) {
                Ok((v, _)) => return Ok(v),
                Err(Failure::Status { status: 401, .. }) if !refreshed => {
                    let used = self.access_token();
                    self.refresh(&used)?;
                    refreshed = true;
                }
                Err(Failure::Status {
                    status: 401,
                    message,
                    ..
                }) => {
                    return Err(Problem::Reconnect(Reason::SignInRefused {
                        network: Network::X,
                        detail: message,
                    }))
                }
                Err(f) => return Err(Problem::Net(explain(f))),
            }
        }
    }

    /// `POST /2/media/upload` of one prepared image (`media_category=tweet_image`), then its
    /// alt text (`POST /2/media/metadata`): the media id.
    pub fn upload(&mut self, image: &crate::media::Prepared) -> Result<String, Problem> {
        let url = format!("{}/2/media/upload", self.api);
        let (content_type, body) = crate::media::multipart(
            &[
                ("media_category", "tweet_image"),
                ("media_type", image.mime),
            ],
            "media",
            image,
        );
        let answer = self.call("POST", &url, &|http| {
            http.post(&url)
                .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                .body(body.clone())
        })?;
        let id = answer
            .pointer("/data/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| match read_created(&answer) {
                Err(p) => p,
                Ok(_) => Problem::Net(Failure::Unclear(
                    "X answered the image upload without a media id".into(),
                )),
            })?;
        if answer
            .pointer("/data/processing_info/state")
            .and_then(Value::as_str)
            == Some("failed")
        {
            return Err(Problem::Net(Failure::Status {
                status: 400,
                code: "media".into(),
                message: "X could not process an image".into(),
                retry_after: None,
                reason: None,
            }));
        }
        let alt = image.alt.trim();
        if !alt.is_empty() {
            let url = format!("{}/2/media/metadata", self.api);
            let body = json!({"id": id, "metadata": {"alt_text": {"text": alt}}});
            self.call("POST", &url, &|http| http.post(&url).json(&body))?;
        }
        Ok(id)
    }

    /// `POST /2/tweets` (a reply when `reply_to` is given), with the media ids
    /// [`Keyless::attach`] uploaded.
    pub fn post(&mut self, text: &str, reply_to: Option<&str>) -> Result<Posted, Problem> {
        let url = format!("{}/2/tweets", self.api);
        let mut body = json!({ "text": text });
        if let Some(id) = reply_to {
            body["reply"] = json!({ "in_reply_to_tweet_id": id });
        }
        if !self.media.is_empty() {
            body["media"] = json!({ "media_ids": self.media });
        }
        let mut refreshed = false;
        loop {
            let request =
                authorize(self.http.post(&url), "POST", &url, &[], &self.secret).json(&body);
            match http::json::<Value>(request) {
                Ok((v, _)) => return read_created(&v),
                Err(Failure::Status { status: 401, .. }) if !refreshed => {
                    let used = self.access_token();
                    self.refresh(&used)?;
                    refreshed = true;
                }
                Err(Failure::Status {
                    status: 401,
                    message,
                    ..
                }) => {
                    return Err(Problem::Reconnect(Reason::SignInRefused {
                        network: Network::X,
                        detail: message,
                    }))
                }
                Err(Failure::Status {
                    status: 403,
                    message,
                    ..
                }) if message.to_lowercase().contains("duplicate") => return Ok(Posted::Duplicate),
                Err(f) => return Err(Problem::Net(explain(f))),
            }
        }
    }

    /// The account's recent posts: `(id, text)`, newest first.
    pub fn recent(&mut self) -> Result<Vec<(String, String)>, Problem> {
        let url = format!("{}/2/users/{}/tweets", self.api, self.user_id);
        let query = [("max_results", "20")];
        let mut refreshed = false;
        loop {
            let request =
                authorize(self.http.get(&url), "GET", &url, &query, &self.secret).query(&query);
            match http::json::<Value>(request) {
                Ok((v, _)) => {
                    return Ok(v["data"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|t| {
                                    Some((
                                        t["id"].as_str()?.to_owned(),
                                        t["text"].as_str()?.to_owned(),
                                    ))
                                })
                                .collect()
                        })
                        .unwrap_or_default())
                }
                Err(Failure::Status { status: 401, .. }) if !refreshed => {
                    let used = self.access_token();
                    self.refresh(&used)?;
                    refreshed = true;
                }
                Err(f) => return Err(Problem::Net(f)),
            }
        }
    }

    /// A post's `public_metrics` (`GET /2/tweets/:id`): likes, reposts, replies, quotes and
    /// impressions. X charges for every read. `None` when the post is gone.
    pub fn post_metrics(
        &mut self,
        id: &str,
    ) -> Result<Option<podium_core::results::Metrics>, Problem> {
        let url = format!("{}/2/tweets/{id}", self.api);
        let query = [("tweet.fields", "public_metrics")];
        let mut refreshed = false;
        loop {
            let request =
                authorize(self.http.get(&url), "GET", &url, &query, &self.secret).query(&query);
            match http::json::<Value>(request) {
                Ok((v, _)) => {
                    let m = &v["data"]["public_metrics"];
                    if !m.is_object() {
                        return Ok(None);
                    }
                    return Ok(Some(podium_core::results::Metrics {
                        likes: m["like_count"].as_u64(),
                        reposts: m["retweet_count"].as_u64(),
                        replies: m["reply_count"].as_u64(),
                        quotes: m["quote_count"].as_u64(),
                        impressions: m["impression_count"].as_u64(),
                    }));
                }
                Err(Failure::Status { status: 404, .. }) => return Ok(None),
                Err(Failure::Status { status: 401, .. }) if !refreshed => {
                    let used = self.access_token();
                    self.refresh(&used)?;
                    refreshed = true;
                }
                Err(f) => return Err(Problem::Net(f)),
            }
        }
    }

    /// Looks `text` up among the recent posts (`t.co` links and HTML entities aside, and the
    /// link to its media X adds after the text of a post with images).
    pub fn find(&mut self, text: &str) -> Result<Option<String>, Problem> {
        let wanted = comparable(text);
        let with_media = format!("{wanted} <link>");
        Ok(self
            .recent()?
            .into_iter()
            .find(|(_, t)| {
                let shown = comparable(t);
                shown == wanted || shown == with_media
            })
            .map(|(id, _)| id))
    }

    pub fn web_url(&self, id: &str) -> String {
        format!("https://x.com/{}/status/{id}", self.username)
    }
}

/// A created post, or why the answer is not one (a 200 with `errors[]` is not a success).
fn read_created(v: &Value) -> Result<Posted, Problem> {
    if let Some(id) = v.pointer("/data/id").and_then(Value::as_str) {
        return Ok(Posted::Sent { id: id.to_owned() });
    }
    let errors = v["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["detail"].as_str().or(x["message"].as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    if errors.is_empty() {
        Err(Problem::Net(Failure::Unclear(
            "X answered without the post's id".into(),
        )))
    } else {
        Err(Problem::Net(Failure::Status {
            status: 200,
            code: "errors".into(),
            message: format!("X reported errors and made no post: {errors}"),
            retry_after: None,
            reason: None,
        }))
    }
}

/// X's limits in the words every network's limits use (`podium_core::wait`), as reasons.
fn explain(f: Failure) -> Failure {
    match f {
        Failure::Status {
            status: 429,
            code,
            message,
            retry_after,
            reason: None,
        } => {
            let capped = message.to_lowercase().contains("usage") || code.contains("usage-capped");
            let (code, limit) = if capped {
                (
                    "usage_cap",
                    Limit::UsageCapped {
                        network: Network::X,
                    },
                )
            } else {
                (
                    "rate_limit",
                    Limit::RateLimited {
                        network: Network::X,
                        wait: retry_after,
                    },
                )
            };
            Failure::Status {
                status: 429,
                code: code.into(),
                message: limit.to_string(),
                retry_after,
                reason: Some(Box::new(limit.reason())),
            }
        }
        other => other,
    }
}

/// A post's text as X shows it back, made comparable: entities decoded, links (which X turns
/// into t.co addresses) replaced, spaces trimmed.
pub fn comparable(text: &str) -> String {
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    decoded
        .split_whitespace()
        .map(|w| {
            if w.starts_with("http://") || w.starts_with("https://") {
                "<link>"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// X has no idempotency key: an unclear outcome is looked up among the account's recent posts.
impl Keyless for X {
    fn network(&self) -> Network {
        Network::X
    }

    /// Uploads the images (each with its alt text) for the post about to be sent.
    fn attach(
        &mut self,
        _text: &str,
        images: &[crate::media::Prepared],
        _link_card: bool,
    ) -> Result<bool, Problem> {
        self.media.clear();
        let mut ids = Vec::with_capacity(images.len());
        for image in images {
            ids.push(self.upload(image)?);
        }
        self.media = ids;
        Ok(!self.media.is_empty())
    }

    fn create(&mut self, text: &str, reply_to: Option<&str>) -> Result<Option<String>, Problem> {
        Ok(match self.post(text, reply_to)? {
            Posted::Sent { id } => Some(id),
            Posted::Duplicate => None,
        })
    }

    fn find(&mut self, text: &str) -> Result<Option<String>, Problem> {
        X::find(self, text)
    }

    fn url(&self, id: &str) -> String {
        self.web_url(id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Each type of this module that holds a secret, printed with `{:?}`.
    pub(crate) fn secret_holders(secret: &str) -> Vec<String> {
        let oauth2 = Secret::OAuth2 {
            client_id: "c".into(),
            access_token: secret.into(),
            refresh_token: secret.into(),
            expires_at: Utc::now(),
            token_url: "https://api.x.com/2/oauth2/token".into(),
        };
        let oauth1 = Secret::OAuth1 {
            consumer_key: secret.into(),
            consumer_secret: secret.into(),
            token: secret.into(),
            token_secret: secret.into(),
        };
        let client = X {
            http: http::secret_client(),
            api: API.into(),
            user_id: "1".into(),
            username: "leader".into(),
            reference: "x:r".into(),
            secret: oauth2.clone(),
            media: Vec::new(),
        };
        vec![
            format!("{oauth2:?}"),
            format!("{oauth1:?}"),
            format!("{client:?}"),
        ]
    }

    /// A token endpoint on 127.0.0.1 that answers one refresh with new tokens.
    fn token_endpoint() -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        std::thread::spawn(move || {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = r#"{"access_token":"new-access","refresh_token":"new-refresh","token_type":"bearer","expires_in":7200}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        });
        url
    }

    #[test]
    fn a_rotated_refresh_token_the_keyring_refuses_is_kept_not_dropped() {
        let api = token_endpoint();
        let reference = format!("x:unsaved-{}", rand::random::<u64>());
        let mut client = X {
            http: http::secret_client(),
            api: api.clone(),
            user_id: "1".into(),
            username: "leader".into(),
            reference: reference.clone(),
            secret: Secret::OAuth2 {
                client_id: "c".into(),
                access_token: "old-access".into(),
                refresh_token: "old-refresh".into(),
                expires_at: Utc::now(),
                token_url: token_url(&api),
            },
            media: Vec::new(),
        };
        client
            .refresh_with("old-access", &|_, _| {
                Err(Error::Keyring(Reason::KeyringLocked {
                    detail: "the collection is locked".into(),
                }))
            })
            .expect("the refresh itself worked");
        let Secret::OAuth2 { access_token, .. } = &client.secret else {
            panic!()
        };
        assert_eq!(access_token, "new-access", "the new tokens are in use");
        // A later client in this process gets the rotated refresh token, not the dead one.
        let Ok(Secret::OAuth2 { refresh_token, .. }) =
            credentials::load_latest::<Secret>(&reference)
        else {
            panic!("kept in memory")
        };
        assert_eq!(refresh_token, "new-refresh");
        assert!(credentials::unsaved_message("@leader on X").contains("reconnected"));
    }

    #[test]
    fn texts_compare_as_x_shows_them_back() {
        assert_eq!(
            comparable("Q&A <today> https://example.com/a?b=1 #ledelse"),
            comparable("Q&amp;A &lt;today&gt; https://t.co/abc123 #ledelse")
        );
        assert_ne!(comparable("one post"), comparable("another post"));
    }

    #[test]
    fn a_200_with_errors_is_not_a_success() {
        let v = json!({"errors": [{"detail": "Your Tweet text is too long."}]});
        let Err(Problem::Net(Failure::Status { message, .. })) = read_created(&v) else {
            panic!()
        };
        assert!(message.contains("too long"));
        assert!(matches!(
            read_created(&json!({"data": {"id": "1", "text": "x"}})),
            Ok(Posted::Sent { .. })
        ));
    }
}
