//! Mastodon: register Podium with an instance, sign in through the browser (authorization code
//! with a loopback redirect, or the out-of-band code to paste), read the instance's limits, and
//! post statuses with an `Idempotency-Key`.
//!
//! API facts relied on (docs.joinmastodon.org: `POST /api/v1/apps`, `GET /oauth/authorize`,
//! `POST /oauth/token`, `GET /api/v1/accounts/verify_credentials`, `GET /api/v2/instance`,
//! `POST /api/v1/statuses`): the redirect URI given to `/oauth/authorize` and `/oauth/token`
//! must be one registered with the app; `urn:ietf:wg:oauth:2.0:oob` shows the code to copy;
//! the post limit is `configuration.statuses.max_characters`; a repeated `Idempotency-Key`
//! within an hour returns the status the first request made instead of posting again;
//! `spoiler_text` is the content warning shown in place of the text, `visibility` is one of
//! `public`, `unlisted`, `private` (followers only) or `direct`, and `language` an ISO 639 code.

use std::time::Duration;

use chrono::Utc;
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_store::{Account, Part};
use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};

use crate::channel::{Channel, Failed, Out, Post, Posted, Request, Settled, Thread, Which};
use crate::credentials;
use crate::http::{self, Failure, Problem};
use crate::{Error, Result};

/// The scopes Podium asks for: post statuses, and read the account it posts as.
pub const SCOPES: &str = "read:accounts write:statuses";
/// The redirect URI that makes the instance show the code instead of redirecting.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long an instance keeps an Idempotency-Key (Mastodon: one hour). Podium counts on a
/// little less.
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(55 * 60);
/// Mastodon's default limit, when an instance does not say.
pub const DEFAULT_LIMIT: usize = 500;

/// What the keyring holds for a Mastodon account.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secret {
    pub access_token: String,
}

redacted_debug!(Secret);

/// Podium registered with an instance for one sign-in.
#[derive(Clone, Deserialize)]
pub struct App {
    pub client_id: String,
    pub client_secret: String,
    #[serde(skip)]
    pub redirect_uri: String,
    /// The PKCE (S256) code verifier of this sign-in, when the instance supports PKCE
    /// (Mastodon 4.3 and later say so in their OAuth metadata).
    #[serde(skip)]
    pub pkce_verifier: Option<String>,
}

redacted_debug!(App);

/// The signed-in account, as `verify_credentials` tells.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub acct: String,
    #[serde(default)]
    pub display_name: String,
}

/// Normalises an instance address: `mastodon.social` → `https://mastodon.social`.
pub fn instance_url(input: &str) -> Result<String> {
    let s = input.trim().trim_end_matches('/');
    if s.is_empty() {
        return Err(Error::Invalid(
            "give the instance's address, e.g. mastodon.social".into(),
        ));
    }
    let s = s.trim_start_matches('@');
    let s = match s.split_once('@') {
        // `user@instance.example` → the instance.
        Some((_, host)) if !s.contains("://") => host.to_owned(),
        _ => s.to_owned(),
    };
    let full = if s.starts_with("http://") || s.starts_with("https://") {
        s
    } else {
        format!("https://{s}")
    };
    url::Url::parse(&full)
        .map_err(|_| Error::Invalid(format!("{input:?} is not an instance address")))?;
    http::require_https(&full, "the Mastodon instance")?;
    Ok(full)
}

fn network_error(f: &Failure) -> Error {
    Error::Network(f.reason(Network::Mastodon))
}

/// Registers Podium with the instance for `redirect_uri`; where the instance supports PKCE,
/// the sign-in gets a code verifier (its challenge goes in the authorize address).
pub fn register_app(instance: &str, redirect_uri: &str) -> Result<App> {
    let request = http::secret_client()
        .post(format!("{instance}/api/v1/apps"))
        .form(&[
            ("client_name", "Podium"),
            ("redirect_uris", redirect_uri),
            ("scopes", SCOPES),
            ("website", "https://example.invalid/podium"),
        ]);
    let mut app = http::token_json::<App>(request).map_err(|f| network_error(&f))?;
    app.redirect_uri = redirect_uri.to_owned();
    if supports_pkce(instance) {
        let (_, verifier) = PkceCodeChallenge::new_random_sha256();
        app.pkce_verifier = Some(verifier.secret().clone());
    }
    Ok(app)
}

/// Whether the instance's OAuth metadata (`/.well-known/oauth-authorization-server`, Mastodon
/// 4.3 and later) lists S256 among `code_challenge_methods_supported`. An older instance has
/// no such document: then the sign-in goes on without PKCE, as it always did there.
pub fn supports_pkce(instance: &str) -> bool {
    let request = http::client().get(format!("{instance}/.well-known/oauth-authorization-server"));
    match http::json::<serde_json::Value>(request) {
        Ok((v, _)) => v["code_challenge_methods_supported"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m.as_str() == Some("S256"))),
        Err(_) => false,
    }
}

/// The page to open in the browser.
pub fn authorize_url(instance: &str, app: &App, state: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", &app.redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .append_pair("state", state);
    if let Some(verifier) = &app.pkce_verifier {
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.clone()));
        query
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256");
    }
    format!("{instance}/oauth/authorize?{}", query.finish())
}

/// Exchanges the authorization code for a token (with the PKCE verifier, when there is one).
pub fn exchange_code(instance: &str, app: &App, code: &str) -> Result<Secret> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.trim()),
        ("client_id", &app.client_id),
        ("client_secret", &app.client_secret),
        ("redirect_uri", &app.redirect_uri),
        ("scope", SCOPES),
    ];
    if let Some(verifier) = &app.pkce_verifier {
        form.push(("code_verifier", verifier));
    }
    let request = http::secret_client()
        .post(format!("{instance}/oauth/token"))
        .form(&form);
    match http::token_json::<Token>(request) {
        Ok(t) => Ok(Secret {
            access_token: t.access_token,
        }),
        Err(Failure::Status {
            status: 400 | 401, ..
        }) => Err(Error::SignIn(Reason::SignInCodeRefused {
            network: Network::Mastodon,
        })),
        Err(f) => Err(network_error(&f)),
    }
}

/// Who the token belongs to.
pub fn verify(instance: &str, token: &str) -> Result<Me> {
    let request = http::secret_client()
        .get(format!("{instance}/api/v1/accounts/verify_credentials"))
        .bearer_auth(token);
    match http::json::<Me>(request) {
        Ok((me, _)) => Ok(me),
        Err(Failure::Status {
            status: 401 | 403, ..
        }) => Err(Error::SignIn(Reason::AccessTokenRefused {
            network: Network::Mastodon,
        })),
        Err(f) => Err(network_error(&f)),
    }
}

/// The instance's post length limit (`configuration.statuses.max_characters`; 500 when an
/// older instance does not say).
pub fn max_characters(instance: &str) -> Result<usize> {
    limits(instance).map(|(chars, _)| chars)
}

/// The instance's post length limit and its image figures, from one `/api/v2/instance`
/// (`configuration.statuses.max_media_attachments`, `configuration.media_attachments.
/// image_size_limit` and `image_matrix_limit`; what it does not say is left to Mastodon's
/// defaults).
pub fn limits(instance: &str) -> Result<(usize, podium_core::media::InstanceMedia)> {
    let (v, _) =
        http::json::<serde_json::Value>(http::client().get(format!("{instance}/api/v2/instance")))
            .map_err(|f| network_error(&f))?;
    let number = |path: &str| v.pointer(path).and_then(serde_json::Value::as_u64);
    let chars = number("/configuration/statuses/max_characters")
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_LIMIT);
    let media = podium_core::media::InstanceMedia {
        max_images: number("/configuration/statuses/max_media_attachments")
            .and_then(|n| usize::try_from(n).ok()),
        image_bytes: number("/configuration/media_attachments/image_size_limit"),
        image_pixels: number("/configuration/media_attachments/image_matrix_limit"),
    };
    Ok((chars, media))
}

/// A posted status.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub uri: String,
}

/// A client for one connected account.
pub struct Mastodon {
    http: Client,
    instance: String,
    secret: Secret,
}

redacted_debug!(Mastodon);

impl Mastodon {
    pub fn open(account: &Account) -> Result<Mastodon, Problem> {
        http::require_https_for(&account.service, "the Mastodon instance", Network::Mastodon)?;
        let secret: Secret =
            credentials::load(&account.credential_ref).map_err(Problem::keyring)?;
        Ok(Mastodon {
            http: http::secret_client(),
            instance: account.service.clone(),
            secret,
        })
    }

    /// Posts `text` (a reply when `in_reply_to` is given) with `key` as its Idempotency-Key,
    /// with the draft's language, content warning and visibility.
    pub(crate) fn post(
        &self,
        text: &str,
        post: Post<'_>,
        in_reply_to: Option<&str>,
        key: &str,
        media_ids: &[String],
    ) -> Result<Status, Problem> {
        let mut form = vec![("status", text), ("visibility", post.visibility.as_str())];
        for id in media_ids {
            form.push(("media_ids[]", id));
        }
        if !post.lang.is_empty() {
            form.push(("language", post.lang));
        }
        if !post.content_warning.trim().is_empty() {
            // Mastodon marks a post with a warning sensitive itself; saying so keeps every
            // server and client folding it.
            form.push(("spoiler_text", post.content_warning.trim()));
            form.push(("sensitive", "true"));
        }
        if let Some(id) = in_reply_to {
            form.push(("in_reply_to_id", id));
        }
        let request = self
            .http
            .post(format!("{}/api/v1/statuses", self.instance))
            .bearer_auth(&self.secret.access_token)
            .header("Idempotency-Key", key)
            .form(&form);
        match http::json::<Status>(request) {
            Ok((status, _)) if !status.id.is_empty() => Ok(status),
            Ok(_) => Err(Problem::Net(Failure::Unclear(
                "the instance answered without the post's id".into(),
            ))),
            Err(Failure::Status {
                status: 401,
                message,
                ..
            }) => Err(Problem::Reconnect(Reason::SignInRefused {
                network: Network::Mastodon,
                detail: message,
            })),
            Err(f) => Err(Problem::Net(f)),
        }
    }
}

impl Mastodon {
    /// Uploads one prepared image with its description (`POST /api/v2/media`) and waits while
    /// the instance processes it (202, then `GET /api/v1/media/:id` answering 206 until done):
    /// its media id. An upload makes no post: one left over after a crash is an unattached
    /// attachment the instance removes itself.
    pub(crate) fn upload(&self, image: &crate::media::Prepared) -> Result<String, Problem> {
        #[derive(Deserialize)]
        struct Media {
            id: String,
            #[serde(default)]
            url: Option<String>,
        }
        let boundary = format!("podium-{}", uuid::Uuid::now_v7().simple());
        let extension = if image.mime == "image/png" {
            "png"
        } else {
            "jpg"
        };
        let mut body = Vec::with_capacity(image.bytes.len() + image.alt.len() + 512);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                image.alt
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"image.{extension}\"\r\nContent-Type: {}\r\n\r\n",
                image.mime
            )
            .as_bytes(),
        );
        body.extend_from_slice(&image.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .http
            .post(format!("{}/api/v2/media", self.instance))
            .bearer_auth(&self.secret.access_token)
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        let signed_out = |message: String| {
            Problem::Reconnect(Reason::SignInRefused {
                network: Network::Mastodon,
                detail: message,
            })
        };
        let media = match http::json::<Media>(request) {
            Ok((media, _)) => media,
            Err(Failure::Status {
                status: 401,
                message,
                ..
            }) => return Err(signed_out(message)),
            Err(f) => return Err(Problem::Net(f)),
        };
        if media.url.is_some() {
            return Ok(media.id);
        }
        // Still processing: ask again, a second apart, for at most a minute.
        for _ in 0..60 {
            std::thread::sleep(std::time::Duration::from_secs(1));
            let response = http::send(
                self.http
                    .get(format!("{}/api/v1/media/{}", self.instance, media.id))
                    .bearer_auth(&self.secret.access_token),
            )
            .map_err(Problem::Net)?;
            if response.status().as_u16() == 200 {
                return Ok(media.id);
            }
        }
        Err(Problem::Net(Failure::Unclear(
            "the instance was still processing an image after a minute".into(),
        )))
    }

    /// A status's numbers (`GET /api/v1/statuses/:id`): favourites, reblogs, replies, and
    /// quotes where the instance counts them (Mastodon 4.4 and later). `None` when it is gone.
    pub fn status_metrics(
        &self,
        id: &str,
    ) -> Result<Option<podium_core::results::Metrics>, Problem> {
        #[derive(Deserialize)]
        struct Counts {
            favourites_count: Option<u64>,
            reblogs_count: Option<u64>,
            replies_count: Option<u64>,
            quotes_count: Option<u64>,
        }
        let request = self
            .http
            .get(format!("{}/api/v1/statuses/{id}", self.instance))
            .bearer_auth(&self.secret.access_token);
        match http::json::<Counts>(request) {
            Ok((c, _)) => Ok(Some(podium_core::results::Metrics {
                likes: c.favourites_count,
                reposts: c.reblogs_count,
                replies: c.replies_count,
                quotes: c.quotes_count,
                impressions: None,
            })),
            Err(Failure::Status { status: 404, .. }) => Ok(None),
            Err(Failure::Status {
                status: 401,
                message,
                ..
            }) => Err(Problem::Reconnect(Reason::SignInRefused {
                network: Network::Mastodon,
                detail: message,
            })),
            Err(f) => Err(Problem::Net(f)),
        }
    }
}

/// Mastodon's Idempotency-Key makes a repeat harmless for a while: within
/// [`IDEMPOTENCY_WINDOW`] of the first try, a part that may be out is sent again with the same
/// key (the instance answers with the post it already made); after that, the user decides.
impl Channel for Mastodon {
    fn settle(&mut self, part: &Part, which: Which) -> Result<Settled, Problem> {
        let first = part.sending_at.unwrap_or_else(Utc::now);
        let age = (Utc::now() - first).to_std().unwrap_or_default();
        if age <= IDEMPOTENCY_WINDOW {
            return Ok(Settled::Send);
        }
        Ok(Settled::Unknown(Reason::TooLateToAsk {
            part: which.part,
            parts: which.parts,
            since: first,
        }))
    }

    fn request<'a>(
        &'a mut self,
        part: &'a Part,
        post: Post<'a>,
        thread: Option<Thread<'a>>,
    ) -> Request<'a> {
        let reply_to = thread.and_then(|t| t.parent_id());
        Box::new(move || {
            // The images first, each time the part is sent; the Idempotency-Key keeps the post
            // to one (a repeat within the window answers the post the first try made).
            let mut media_ids = Vec::with_capacity(post.images.len());
            for image in post.images {
                media_ids.push(self.upload(image)?);
            }
            if !media_ids.is_empty() {
                crate::publisher::checkpoint("after-upload");
            }
            let status = self.post(&part.text, post, reply_to, &part.key, &media_ids)?;
            Ok(Out {
                url: status.url.clone().unwrap_or(status.uri.clone()),
                posted: Posted::Id(status.id),
                found: None,
            })
        })
    }

    fn settle_failed(&mut self, _part: &Part, _which: Which, problem: Problem) -> Failed {
        if matches!(
            problem,
            Problem::Net(Failure::NotSent(_))
                | Problem::Net(Failure::Status {
                    status: 429 | 400 | 403 | 404 | 422,
                    ..
                })
                | Problem::Reconnect(_)
        ) {
            // The instance made nothing (no connection, a refusal, a sign-in it no longer
            // accepts): the part is as good as never sent.
            Failed::NotSent(problem)
        } else {
            Failed::Unclear(problem)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The client, holding a secret, printed with `{:?}`.
    pub(crate) fn secret_holders(secret: &str) -> Vec<String> {
        let client = Mastodon {
            http: http::secret_client(),
            instance: "https://m.example".into(),
            secret: Secret {
                access_token: secret.into(),
            },
        };
        vec![format!("{client:?}")]
    }

    #[test]
    fn instance_addresses_are_normalised() {
        assert_eq!(
            instance_url("mastodon.social").unwrap(),
            "https://mastodon.social"
        );
        assert_eq!(
            instance_url("@me@fosstodon.org").unwrap(),
            "https://fosstodon.org"
        );
        assert_eq!(
            instance_url("http://127.0.0.1:3000/").unwrap(),
            "http://127.0.0.1:3000"
        );
        assert!(instance_url("  ").is_err());
        assert!(instance_url("http://localhost:3000").is_ok());
        let plain = instance_url("http://mastodon.example")
            .unwrap_err()
            .to_string();
        assert!(plain.contains("https"), "{plain}");
    }

    #[test]
    fn the_authorize_url_carries_the_flow() {
        let app = App {
            client_id: "id 1".into(),
            client_secret: "s".into(),
            redirect_uri: "http://127.0.0.1:5/callback".into(),
            pkce_verifier: None,
        };
        let url = authorize_url("https://m.example", &app, "st");
        assert!(url.starts_with("https://m.example/oauth/authorize?client_id=id+1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcallback&response_type=code&scope=read%3Aaccounts+write%3Astatuses&state=st"), "{url}");
        assert!(
            !format!("{app:?}").contains("s\""),
            "the secret is not printed"
        );
    }
}
