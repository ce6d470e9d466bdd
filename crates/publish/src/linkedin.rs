//! LinkedIn: three-legged OAuth 2.0 with the person's own LinkedIn app (the token exchange
//! needs its client secret, which lives in the keyring), the person URN from `/v2/userinfo`,
//! and `POST /rest/posts` with the commentary escaped as "little text" by the text engine.
//!
//! API facts relied on (learn.microsoft.com, LinkedIn Marketing API: Posts API, API versioning;
//! Sign In with LinkedIn using OpenID Connect): authorization at
//! `https://www.linkedin.com/oauth/v2/authorization`, token at `…/oauth/v2/accessToken` with
//! `client_id` and `client_secret` in the body; access tokens last 60 days (`expires_in`
//! 5184000); `/v2/userinfo` answers `sub`, the member id of `urn:li:person:{sub}`; the Posts API
//! wants `X-Restli-Protocol-Version: 2.0.0` and a `LinkedIn-Version: YYYYMM` header, answers
//! `201` with the post's URN in `x-restli-id`, and `426` when the version has been retired.
//! LinkedIn has no idempotency key; reading one's own posts back needs `r_member_social`, which
//! LinkedIn grants to few apps — without it an unclear outcome becomes `unknown`. A text the
//! member already posted is refused with `422` and the code `DUPLICATE_POST`, its message
//! naming the earlier post ("Content is a duplicate of urn:li:share:…"; seen in public issue
//! threads, e.g. Arisamiga/Linkedin-RSS#5, not in LinkedIn's reference).
//!
//! Images and cards (learn.microsoft.com, LinkedIn Marketing API: Images API, Posts API,
//! MultiImage API, Article Post API): an image is registered with `POST
//! /rest/images?action=initializeUpload` and `{"initializeUploadRequest": {"owner": <member
//! URN>}}`, answered with `value.uploadUrl` and `value.image` (`urn:li:image:…`); its bytes go
//! by `PUT` to that upload address with the same bearer token. A post names one image in
//! `content.media {id, altText}`, or 2 to 20 in `content.multiImage {images: [{id, altText}]}`.
//! A link's card is not scraped by LinkedIn for API posts ("Article Post API does not support
//! url scraping"): the client sets `content.article {source, title, description, thumbnail}`,
//! the thumbnail an uploaded image URN — Podium builds it from the page's OpenGraph tags
//! (`crate::card`) at publish time.

use chrono::{DateTime, Utc};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, RedirectUrl, Scope};
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_store::Account;
use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::channel::Keyless;
use crate::credentials;
use crate::http::{self, Failure, Problem};
use crate::loopback::{self, Loopback};
use crate::oauth;
use crate::{Error, Result};

pub const API: &str = "https://api.linkedin.com";
pub const AUTH: &str = "https://www.linkedin.com/oauth/v2";
/// The Posts API version Podium speaks (`LinkedIn-Version`), unless the `linkedin.version`
/// setting names another. LinkedIn supports each version for about a year.
pub const VERSION: &str = "202510";
/// The setting that overrides [`VERSION`].
pub const VERSION_SETTING: &str = "linkedin.version";
pub const SCOPES: [&str; 3] = ["openid", "profile", "w_member_social"];
/// The loopback port of the redirect URI the person registers in their LinkedIn app.
pub const REDIRECT_PORT: u16 = 8720;
/// How long an access token lives when LinkedIn does not say (LinkedIn: 60 days).
pub const DEFAULT_LIFETIME: std::time::Duration = std::time::Duration::from_secs(60 * 24 * 3600);
/// Warn this long before the sign-in expires.
pub const WARN_DAYS: i64 = podium_core::notice::WARN_DAYS;

/// What the keyring holds for a LinkedIn account.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secret {
    pub client_id: String,
    pub client_secret: String,
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
}

redacted_debug!(Secret);

/// Where LinkedIn lives (tests point these at a local server).
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub api: String,
    pub auth: String,
}

impl Default for Endpoints {
    fn default() -> Endpoints {
        Endpoints {
            api: API.into(),
            auth: AUTH.into(),
        }
    }
}

/// The signed-in member.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub sub: String,
    #[serde(default)]
    pub name: String,
}

/// Signs in through the browser with the person's LinkedIn app.
pub fn sign_in(
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &str,
    port: u16,
    show: &mut dyn FnMut(&str),
) -> Result<(Me, Secret)> {
    http::require_https(&endpoints.api, "LinkedIn's API address")?;
    http::require_https(&endpoints.auth, "LinkedIn's sign-in address")?;
    let listener = Loopback::bind_port(port)?;
    let bad = |e: oauth2::url::ParseError| Error::Invalid(e.to_string());
    // The `oauth2` crate builds the authorization address (the secret never goes there).
    let client = BasicClient::new(ClientId::new(client_id.trim().to_owned()))
        .set_auth_uri(AuthUrl::new(format!("{}/authorization", endpoints.auth)).map_err(bad)?)
        .set_redirect_uri(RedirectUrl::new(listener.redirect_uri()).map_err(bad)?);
    let state = loopback::new_state();
    let (url, _) = client
        .authorize_url(|| CsrfToken::new(state.clone()))
        .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
        .url();
    show(url.as_str());
    let code = listener.wait_for_code(&state, crate::connect::BROWSER_TIMEOUT)?;
    // The exchange by hand: LinkedIn's token answer has no `token_type`, which the `oauth2`
    // crate's standard response requires.
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
        #[serde(default)]
        expires_in: Option<Value>,
    }
    let request = http::secret_client()
        .post(format!("{}/accessToken", endpoints.auth))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", listener.redirect_uri().as_str()),
            ("client_id", client_id.trim()),
            ("client_secret", client_secret.trim()),
        ]);
    // Never the answer's words in a message: only its status and OAuth error code.
    let token = match http::token_json::<Token>(request) {
        Ok(t) => t,
        Err(Failure::Status {
            status: status @ (400 | 401),
            code,
            ..
        }) => {
            let code = if code.is_empty() {
                String::new()
            } else {
                format!(", error {code}")
            };
            return Err(Error::SignIn(Reason::SignInNotAcceptedAt {
                network: Network::Linkedin,
                detail: format!("{status}{code}"),
                redirect: listener.redirect_uri(),
            }));
        }
        Err(f) => return Err(Error::Network(f.reason(Network::Linkedin))),
    };
    let secret = Secret {
        client_id: client_id.trim().to_owned(),
        client_secret: client_secret.trim().to_owned(),
        access_token: token.access_token,
        expires_at: oauth::expires_at(
            token.expires_in.as_ref().and_then(oauth::lifetime_of),
            DEFAULT_LIFETIME,
        ),
    };
    let me = who_am_i(&endpoints.api, &secret.access_token)?;
    Ok((me, secret))
}

fn who_am_i(api: &str, token: &str) -> Result<Me> {
    let url = format!("{}/v2/userinfo", api.trim_end_matches('/'));
    match http::json::<Me>(http::secret_client().get(url).bearer_auth(token)) {
        Ok((me, _)) => Ok(me),
        Err(f) => Err(Error::SignIn(f.reason(Network::Linkedin))),
    }
}

/// The member's URN.
pub fn person_urn(sub: &str) -> String {
    format!("urn:li:person:{sub}")
}

/// A client for one connected LinkedIn account.
pub struct LinkedIn {
    http: Client,
    api: String,
    author: String,
    version: String,
    secret: Secret,
    /// The post LinkedIn named when it last refused a text as a duplicate.
    duplicate_of: Option<String>,
    /// The `content` [`Keyless::attach`] uploaded for the next post (images or an article).
    content: Option<Value>,
}

redacted_debug!(LinkedIn);

impl LinkedIn {
    pub fn open(account: &Account, version: Option<&str>) -> Result<LinkedIn, Problem> {
        http::require_https_for(
            &account.service,
            "LinkedIn's API address",
            Network::Linkedin,
        )?;
        let secret: Secret =
            credentials::load(&account.credential_ref).map_err(Problem::keyring)?;
        if secret.expires_at <= Utc::now() {
            return Err(Problem::Reconnect(expired(secret.expires_at)));
        }
        Ok(LinkedIn {
            http: http::secret_client(),
            api: account.service.trim_end_matches('/').to_owned(),
            author: account.remote_id.clone(),
            version: version.unwrap_or(VERSION).to_owned(),
            secret,
            duplicate_of: None,
            content: None,
        })
    }

    fn rest(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        request
            .bearer_auth(&self.secret.access_token)
            .header("X-Restli-Protocol-Version", "2.0.0")
            .header("LinkedIn-Version", &self.version)
    }

    /// `POST /rest/posts`: the post's URN; `Ok(None)` when LinkedIn refuses the text as a
    /// duplicate (`422 DUPLICATE_POST`; the post it names is kept for [`LinkedIn::find`]).
    pub fn post(&mut self, text: &str) -> Result<Option<String>, Problem> {
        let commentary = podium_core::text::linkedin::commentary(text).text;
        let mut body = json!({
            "author": self.author,
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": []
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false
        });
        if let Some(content) = &self.content {
            body["content"] = content.clone();
        }
        let request = self
            .rest(self.http.post(format!("{}/rest/posts", self.api)))
            .json(&body);
        match http::send(request) {
            Ok(response) => response
                .headers()
                .get("x-restli-id")
                .and_then(|v| v.to_str().ok())
                .map(|id| Some(id.to_owned()))
                .ok_or_else(|| {
                    Problem::Net(Failure::Unclear(
                        "LinkedIn answered without the post's id".into(),
                    ))
                }),
            Err(Failure::Status {
                status: 422,
                code,
                message,
                ..
            }) if code == "DUPLICATE_POST" || message.to_lowercase().contains("duplicate") => {
                self.duplicate_of = urn_in(&message);
                Ok(None)
            }
            Err(f) => Err(self.problem(f)),
        }
    }

    /// A failed request in the words every LinkedIn call shares: signed out, a retired API
    /// version, or the failure as it is.
    fn problem(&self, f: Failure) -> Problem {
        match f {
            Failure::Status { status: 401, .. } => Problem::Reconnect(Reason::SignInEnded {
                network: Network::Linkedin,
            }),
            Failure::Status { status: 426, .. } => Problem::Net(Failure::Status {
                status: 426,
                code: "version".into(),
                message: format!(
                    "LinkedIn has retired API version {} that Podium used. Update Podium, or set a newer \
                     version (YYYYMM) in the `{VERSION_SETTING}` setting",
                    self.version
                ),
                retry_after: None,
                reason: None,
            }),
            f => Problem::Net(f),
        }
    }

    /// Uploads one image: `initializeUpload` with the member as its owner, then the bytes
    /// `PUT` to the address LinkedIn gave. The image's URN.
    pub fn upload_image(&self, bytes: &[u8], mime: &str) -> Result<String, Problem> {
        let request = self
            .rest(self.http.post(format!("{}/rest/images", self.api)))
            .query(&[("action", "initializeUpload")])
            .json(&json!({"initializeUploadRequest": {"owner": self.author}}));
        let (answer, _) = http::json::<Value>(request).map_err(|f| self.problem(f))?;
        let (Some(upload_url), Some(urn)) = (
            answer.pointer("/value/uploadUrl").and_then(Value::as_str),
            answer.pointer("/value/image").and_then(Value::as_str),
        ) else {
            return Err(Problem::Net(Failure::Unclear(
                "LinkedIn answered the image registration without an upload address".into(),
            )));
        };
        // The token goes along: only to LinkedIn's own hosts (or the API's own, in tests), and
        // only over https (or on this computer).
        let refused = |message: String| {
            Problem::Net(Failure::Status {
                status: 400,
                code: "upload_address".into(),
                message,
                retry_after: None,
                reason: None,
            })
        };
        http::require_https(upload_url, "LinkedIn's upload address")
            .map_err(|e| refused(e.to_string()))?;
        let host = |address: &str| {
            url::Url::parse(address)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        };
        let upload_host = host(upload_url).unwrap_or_default();
        let linkedins = upload_host == "linkedin.com" || upload_host.ends_with(".linkedin.com");
        if !linkedins && host(&self.api).as_deref() != Some(upload_host.as_str()) {
            return Err(refused(format!(
                "LinkedIn named an upload address outside LinkedIn ({upload_host}); Podium does \
                 not send the sign-in there"
            )));
        }
        let put = self
            .http
            .put(upload_url)
            .bearer_auth(&self.secret.access_token)
            .header(reqwest::header::CONTENT_TYPE, mime)
            .body(bytes.to_vec());
        http::send(put).map_err(|f| self.problem(f))?;
        Ok(urn.to_owned())
    }

    /// The post's images uploaded, as its `content`: `media` for one, `multiImage` for 2–20
    /// (the count is checked before anything is claimed, `podium_core::media`).
    fn images_content(&mut self, images: &[crate::media::Prepared]) -> Result<Value, Problem> {
        let mut entries = Vec::with_capacity(images.len());
        for image in images {
            let urn = self.upload_image(&image.bytes, image.mime)?;
            let mut entry = json!({ "id": urn });
            if !image.alt.trim().is_empty() {
                entry["altText"] = json!(image.alt.trim());
            }
            entries.push(entry);
        }
        Ok(if entries.len() == 1 {
            json!({ "media": entries.remove(0) })
        } else {
            json!({ "multiImage": { "images": entries } })
        })
    }

    /// The article card of the first link in `text` (its page's OpenGraph tags, its preview
    /// image uploaded as the thumbnail), or `None`: no link, or the page gave no card.
    fn article_content(&mut self, text: &str) -> Result<Option<Value>, Problem> {
        let Some(link) = crate::card::first_link(text) else {
            return Ok(None);
        };
        let Some((card, thumb)) = crate::card::fetch(&link, Network::Linkedin) else {
            return Ok(None);
        };
        let mut article = json!({ "source": card.url, "title": card.title });
        if !card.description.is_empty() {
            article["description"] = json!(card.description);
        }
        if let Some(thumb) = thumb {
            article["thumbnail"] = json!(self.upload_image(&thumb.bytes, thumb.mime)?);
        }
        Ok(Some(json!({ "article": article })))
    }

    /// Looks `text` up among the member's recent posts; `Ok(None)` also when LinkedIn does not
    /// let this app read them (no `r_member_social`): then nobody can tell, and the user decides.
    /// The post a duplicate refusal named is the answer when there is one.
    pub fn find(&mut self, text: &str) -> Result<Option<String>, Problem> {
        if let Some(urn) = self.duplicate_of.take() {
            return Ok(Some(urn));
        }
        let commentary = podium_core::text::linkedin::commentary(text).text;
        let request = self
            .rest(self.http.get(format!("{}/rest/posts", self.api)))
            .header("X-RestLi-Method", "FINDER")
            .query(&[
                ("author", self.author.as_str()),
                ("q", "author"),
                ("count", "20"),
            ]);
        match http::json::<Value>(request) {
            Ok((v, _)) => Ok(v["elements"].as_array().and_then(|a| {
                a.iter()
                    .find(|p| p["commentary"].as_str() == Some(commentary.as_str()))
                    .and_then(|p| p["id"].as_str().map(str::to_owned))
            })),
            Err(Failure::Status { status: 403, .. }) => Ok(None),
            Err(f) => Err(Problem::Net(f)),
        }
    }

    pub fn web_url(urn: &str) -> String {
        format!("https://www.linkedin.com/feed/update/{urn}/")
    }
}

/// The post a duplicate refusal names (`urn:li:share:…`, `urn:li:ugcPost:…`).
fn urn_in(message: &str) -> Option<String> {
    let start = message.find("urn:li:")?;
    let urn: String = message[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'))
        .collect();
    (urn.matches(':').count() >= 3).then_some(urn)
}

/// Why an expired sign-in needs the person (kept with the account's `reconnect` status).
pub fn expired(at: DateTime<Utc>) -> Reason {
    Reason::SignInExpired {
        network: Network::Linkedin,
        at,
    }
}

/// LinkedIn has no idempotency key: an unclear outcome is looked up among the account's recent
/// posts, when the app may read them (`r_member_social`).
impl Keyless for LinkedIn {
    fn network(&self) -> Network {
        Network::Linkedin
    }

    /// The images (or, with none, the first link's article card) uploaded for the post about
    /// to be sent.
    fn attach(
        &mut self,
        text: &str,
        images: &[crate::media::Prepared],
        link_card: bool,
    ) -> Result<bool, Problem> {
        self.content = None;
        self.content = if images.is_empty() {
            if link_card {
                self.article_content(text)?
            } else {
                None
            }
        } else {
            Some(self.images_content(images)?)
        };
        Ok(self.content.is_some())
    }

    /// LinkedIn posts stand alone (a draft never becomes a LinkedIn thread).
    fn create(&mut self, text: &str, _reply_to: Option<&str>) -> Result<Option<String>, Problem> {
        self.post(text)
    }

    fn duplicate_refused(&self) -> Option<Reason> {
        Some(Reason::Duplicate {
            network: Network::Linkedin,
        })
    }

    fn find(&mut self, text: &str) -> Result<Option<String>, Problem> {
        LinkedIn::find(self, text)
    }

    fn url(&self, id: &str) -> String {
        LinkedIn::web_url(id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The client, holding a secret, printed with `{:?}`.
    pub(crate) fn secret_holders(secret: &str) -> Vec<String> {
        let client = LinkedIn {
            http: http::secret_client(),
            api: API.into(),
            author: "urn:li:person:a".into(),
            version: VERSION.into(),
            secret: Secret {
                client_id: "c".into(),
                client_secret: secret.into(),
                access_token: secret.into(),
                expires_at: Utc::now(),
            },
            duplicate_of: None,
            content: None,
        };
        vec![format!("{client:?}")]
    }

    #[test]
    fn an_expired_sign_in_says_when_and_what_to_do() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(
            expired(at).to_string(),
            "LinkedIn sign-in expired on 26 November 2026: reconnect the account (its posts stay queued)"
        );
        assert_eq!(person_urn("abc"), "urn:li:person:abc");
    }

    #[test]
    fn a_duplicate_refusal_names_the_earlier_post() {
        assert_eq!(
            urn_in("com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808").as_deref(),
            Some("urn:li:share:7141138937766391808")
        );
        assert_eq!(urn_in("Duplicate post is detected"), None);
    }
}
