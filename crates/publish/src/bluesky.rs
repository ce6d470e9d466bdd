//! Bluesky (atproto) over XRPC: sign in with an app password, keep the session and renew it,
//! create a post under a record key chosen in advance, and read a record back.
//!
//! API facts relied on (atproto lexicons `com.atproto.server.createSession` /
//! `refreshSession`, `com.atproto.repo.createRecord` / `getRecord`, `app.bsky.feed.post`,
//! `app.bsky.richtext.facet`): sessions are renewed with the refresh JWT as the bearer token;
//! `createSession` is rate limited (30 per 5 minutes per account), so Podium signs in once at
//! connect and afterwards only refreshes; facet offsets are UTF-8 byte offsets; a record key is
//! unique in its collection, so creating the same `rkey` twice cannot make a second post.

use chrono::Utc;
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_core::text::bluesky::{detect_facets, FacetKind};
use podium_store::{Account, Part};
use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::channel::{Channel, Failed, Out, Post, Posted, Request, Settled, Thread, Which};
use crate::credentials;
use crate::http::{self, Failure, Problem};

/// The default server (PDS entryway) for accounts on bsky.social.
pub const DEFAULT_SERVICE: &str = "https://bsky.social";
const POST: &str = "app.bsky.feed.post";

/// What the keyring holds for a Bluesky account.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secret {
    /// Kept to sign in again if the refresh token itself expires (months later).
    pub app_password: String,
    pub access_jwt: String,
    pub refresh_jwt: String,
}

redacted_debug!(Secret);

/// Who signed in (and the session's tokens).
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub did: String,
    pub handle: String,
    access_jwt: String,
    refresh_jwt: String,
}

redacted_debug!(Session);

/// A post's strong reference (for replies and for reading back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrongRef {
    pub uri: String,
    pub cid: String,
}

/// Normalises a server address: `bsky.social` → `https://bsky.social`, no trailing slash.
pub fn service_url(input: &str) -> String {
    let s = input.trim().trim_end_matches('/');
    if s.is_empty() {
        DEFAULT_SERVICE.to_owned()
    } else if s.starts_with("http://") || s.starts_with("https://") {
        s.to_owned()
    } else {
        format!("https://{s}")
    }
}

/// Signs in with a handle (or DID) and an app password.
pub fn sign_in(
    service: &str,
    identifier: &str,
    app_password: &str,
) -> Result<(Session, Secret), crate::Error> {
    http::require_https(&service_url(service), "the Bluesky server")?;
    let http = http::secret_client();
    let url = format!(
        "{}/xrpc/com.atproto.server.createSession",
        service_url(service)
    );
    let request = http.post(url).json(&json!({
        "identifier": identifier.trim().trim_start_matches('@'),
        "password": app_password.trim(),
    }));
    // A sign-in's answer is never quoted (only its status and error code).
    match http::token_json::<Session>(request) {
        Ok(session) => {
            let secret = Secret {
                app_password: app_password.trim().to_owned(),
                access_jwt: session.access_jwt.clone(),
                refresh_jwt: session.refresh_jwt.clone(),
            };
            Ok((session, secret))
        }
        Err(Failure::Status { status: 401, .. }) => {
            Err(crate::Error::SignIn(Reason::AppPasswordRefused {
                identifier: identifier.to_owned(),
            }))
        }
        Err(Failure::Status {
            status: 429,
            retry_after,
            ..
        }) => Err(crate::Error::SignIn(Reason::SignInsLimited {
            network: Network::Bluesky,
            secs: retry_after.map_or(300, |d| d.as_secs()),
        })),
        Err(f) => Err(crate::Error::Network(f.reason(Network::Bluesky))),
    }
}

/// A signed-in client for one account.
pub struct Bluesky {
    http: Client,
    service: String,
    did: String,
    handle: String,
    reference: String,
    secret: Secret,
}

redacted_debug!(Bluesky);

impl Bluesky {
    /// The client for a connected account (its session from the keyring).
    pub fn open(account: &Account) -> Result<Bluesky, Problem> {
        let service = service_url(&account.service);
        http::require_https_for(&service, "the Bluesky server", Network::Bluesky)?;
        let secret: Secret =
            credentials::load_latest(&account.credential_ref).map_err(Problem::keyring)?;
        Ok(Bluesky {
            http: http::secret_client(),
            service: service_url(&account.service),
            did: account.remote_id.clone(),
            handle: account.handle.clone(),
            reference: account.credential_ref.clone(),
            secret,
        })
    }

    pub fn did(&self) -> &str {
        &self.did
    }

    fn xrpc(&self, method: &str) -> String {
        format!("{}/xrpc/{method}", self.service)
    }

    /// Runs `call` with the access token; when the server says the token expired, renews the
    /// session once and runs it again.
    fn authed<T>(
        &mut self,
        call: impl Fn(&Client, &str) -> Result<T, Failure>,
    ) -> Result<T, Problem> {
        match call(&self.http, &self.secret.access_jwt) {
            Err(f) if is_expired(&f) => {
                let used = self.secret.access_jwt.clone();
                self.refresh(&used)?;
                call(&self.http, &self.secret.access_jwt).map_err(|f| {
                    if is_expired(&f) {
                        Problem::Reconnect(reconnect_reason(&f))
                    } else {
                        Problem::Net(f)
                    }
                })
            }
            other => other.map_err(Problem::Net),
        }
    }

    /// Renews the session (single-flight): if another thread already did while we waited,
    /// adopt its tokens; otherwise `refreshSession`, and if the refresh token is dead too, sign
    /// in again with the app password. New tokens are stored before they are used.
    fn refresh(&mut self, expired_access: &str) -> Result<(), Problem> {
        let lock = credentials::refresh_lock(&self.reference);
        let _guard = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Ok(stored) = credentials::load_latest::<Secret>(&self.reference) {
            if stored.access_jwt != expired_access {
                self.secret = stored;
                return Ok(());
            }
        }
        let renewed = http::token_json::<Session>(
            self.http
                .post(self.xrpc("com.atproto.server.refreshSession"))
                .bearer_auth(&self.secret.refresh_jwt),
        );
        let session = match renewed {
            Ok(s) => s,
            Err(f) if is_expired(&f) => {
                tracing::info!(handle = %self.handle, "Bluesky refresh token expired; signing in again");
                let (s, _) =
                    sign_in(&self.service, &self.did, &self.secret.app_password).map_err(|e| {
                        Problem::Reconnect(Reason::SignInRefused {
                            network: Network::Bluesky,
                            detail: e.to_string(),
                        })
                    })?;
                s
            }
            Err(f) => return Err(Problem::Net(f)),
        };
        let secret = Secret {
            app_password: self.secret.app_password.clone(),
            access_jwt: session.access_jwt,
            refresh_jwt: session.refresh_jwt,
        };
        // The old refresh token is spent: if the keyring refuses the new one, this process
        // keeps it (and tries the keyring again) rather than lose the session.
        if let Err(e) = credentials::save(&self.reference, &secret) {
            let what = format!("{} on Bluesky", self.handle);
            tracing::warn!(account = %what, error = %e, "the keyring refused Bluesky's renewed session; keeping it in memory");
            credentials::keep_unsaved(&self.reference, &what, &secret);
        }
        self.secret = secret;
        Ok(())
    }

    /// `createRecord` of a post under `rkey`.
    pub fn create_post(&mut self, rkey: &str, record: &Value) -> Result<StrongRef, Problem> {
        let body = json!({
            "repo": self.did,
            "collection": POST,
            "rkey": rkey,
            "record": record,
        });
        let url = self.xrpc("com.atproto.repo.createRecord");
        self.authed(|http, token| {
            http::json::<StrongRef>(http.post(&url).bearer_auth(token).json(&body)).map(|(r, _)| r)
        })
    }

    /// `uploadBlob` of one prepared image: the blob reference the record's embed names.
    pub fn upload_blob(&mut self, bytes: &[u8], mime: &str) -> Result<Value, Problem> {
        #[derive(Deserialize)]
        struct Uploaded {
            blob: Value,
        }
        let url = self.xrpc("com.atproto.repo.uploadBlob");
        self.authed(|http, token| {
            http::json::<Uploaded>(
                http.post(&url)
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, mime)
                    .body(bytes.to_vec()),
            )
            .map(|(u, _)| u.blob)
        })
    }

    /// Uploads `images` and gives the `app.bsky.embed.images` embed naming them, each with its
    /// alt text and aspect ratio (so the app lays it out before loading it).
    pub fn images_embed(&mut self, images: &[crate::media::Prepared]) -> Result<Value, Problem> {
        let mut entries = Vec::with_capacity(images.len());
        for image in images {
            let blob = self.upload_blob(&image.bytes, image.mime)?;
            entries.push(json!({
                "image": blob,
                "alt": image.alt,
                "aspectRatio": {"width": image.width, "height": image.height},
            }));
        }
        Ok(json!({"$type": "app.bsky.embed.images", "images": entries}))
    }

    /// The `app.bsky.embed.external` card of the first link in `text` (its thumbnail uploaded
    /// as a blob), or `None`: no link, or no card could be made from its page.
    pub fn card_embed(&mut self, text: &str) -> Result<Option<Value>, Problem> {
        let Some(link) = crate::card::first_link(text) else {
            return Ok(None);
        };
        let Some((card, thumb)) = crate::card::fetch(&link, Network::Bluesky) else {
            return Ok(None);
        };
        let mut external = json!({
            "uri": card.url,
            "title": card.title,
            "description": card.description,
        });
        if let Some(thumb) = thumb {
            external["thumb"] = self.upload_blob(&thumb.bytes, thumb.mime)?;
        }
        Ok(Some(
            json!({"$type": "app.bsky.embed.external", "external": external}),
        ))
    }

    /// `getRecord` of our post `rkey`: `None` when it does not exist.
    pub fn get_post(&mut self, rkey: &str) -> Result<Option<(StrongRef, Value)>, Problem> {
        #[derive(Deserialize)]
        struct Got {
            uri: String,
            cid: Option<String>,
            value: Value,
        }
        let url = self.xrpc("com.atproto.repo.getRecord");
        let did = self.did.clone();
        let query = [("repo", did.as_str()), ("collection", POST), ("rkey", rkey)];
        let got = self.authed(|http, token| {
            http::json::<Got>(http.get(&url).bearer_auth(token).query(&query)).map(|(g, _)| g)
        });
        match got {
            Ok(g) => Ok(Some((
                StrongRef {
                    uri: g.uri,
                    cid: g.cid.unwrap_or_default(),
                },
                g.value,
            ))),
            Err(Problem::Net(Failure::Status {
                status: 400, code, ..
            })) if code == "RecordNotFound" => Ok(None),
            Err(Problem::Net(Failure::Status { status: 404, .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A post's numbers (`app.bsky.feed.getPosts` through the account's PDS, which passes it
    /// to its AppView): likes, reposts, replies, quotes. `None` when the post is gone.
    pub fn post_metrics(
        &mut self,
        uri: &str,
    ) -> Result<Option<podium_core::results::Metrics>, Problem> {
        #[derive(Deserialize)]
        struct Posts {
            posts: Vec<View>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct View {
            uri: String,
            like_count: Option<u64>,
            repost_count: Option<u64>,
            reply_count: Option<u64>,
            quote_count: Option<u64>,
        }
        let url = self.xrpc("app.bsky.feed.getPosts");
        let query = [("uris", uri)];
        let got = self.authed(|http, token| {
            http::json::<Posts>(http.get(&url).bearer_auth(token).query(&query)).map(|(p, _)| p)
        })?;
        Ok(got
            .posts
            .into_iter()
            .find(|v| v.uri == uri)
            .map(|v| podium_core::results::Metrics {
                likes: Some(v.like_count.unwrap_or(0)),
                reposts: Some(v.repost_count.unwrap_or(0)),
                replies: Some(v.reply_count.unwrap_or(0)),
                quotes: Some(v.quote_count.unwrap_or(0)),
                impressions: None,
            }))
    }

    /// A handle's DID (`com.atproto.identity.resolveHandle`), for mention facets.
    pub fn resolve_handle(&self, handle: &str) -> Option<String> {
        #[derive(Deserialize)]
        struct Resolved {
            did: String,
        }
        let url = self.xrpc("com.atproto.identity.resolveHandle");
        http::json::<Resolved>(self.http.get(url).query(&[("handle", handle)]))
            .ok()
            .map(|(r, _)| r.did)
    }

    /// The post's address on the web.
    pub fn web_url(&self, rkey: &str) -> String {
        format!("https://bsky.app/profile/{}/post/{rkey}", self.did)
    }

    /// The record for `text`: links and hashtags as facets with UTF-8 byte offsets, mentions
    /// resolved to DIDs (a handle that does not resolve stays plain text), `langs`, and the
    /// reply references for a thread.
    pub fn post_record(
        &self,
        text: &str,
        lang: &str,
        created_at: chrono::DateTime<chrono::Utc>,
        reply: Option<(&StrongRef, &StrongRef)>,
    ) -> Value {
        let facets: Vec<Value> = detect_facets(text)
            .into_iter()
            .filter_map(|f| {
                let feature = match f.kind {
                    FacetKind::Link => {
                        json!({"$type": "app.bsky.richtext.facet#link", "uri": f.value})
                    }
                    FacetKind::Tag => {
                        json!({"$type": "app.bsky.richtext.facet#tag", "tag": f.value})
                    }
                    FacetKind::Mention => {
                        let did = self.resolve_handle(f.value.trim_start_matches('@'))?;
                        json!({"$type": "app.bsky.richtext.facet#mention", "did": did})
                    }
                };
                Some(json!({
                    "index": {"byteStart": f.byte_start, "byteEnd": f.byte_end},
                    "features": [feature],
                }))
            })
            .collect();
        let mut record = json!({
            "$type": POST,
            "text": text,
            "createdAt": created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if !lang.is_empty() {
            record["langs"] = json!([lang]);
        }
        if let Some((root, parent)) = reply {
            record["reply"] = json!({"root": root, "parent": parent});
        }
        record
    }
}

/// The rkey part of an `at://did/collection/rkey` URI.
pub fn rkey_of(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn is_expired(f: &Failure) -> bool {
    matches!(f, Failure::Status { status: 401, .. })
        || matches!(f, Failure::Status { status: 400, code, .. }
            if code == "ExpiredToken" || code == "InvalidToken")
}

fn reconnect_reason(f: &Failure) -> Reason {
    // Bluesky's own words when it gave some (quoted as they came), else what happened.
    let detail = match f {
        Failure::Status { message, .. } if !message.is_empty() => message.clone(),
        other => other.describe("Bluesky"),
    };
    Reason::SignInRefused {
        network: Network::Bluesky,
        detail,
    }
}

/// Bluesky's record key makes a repeat harmless: a part that may be out is looked up with
/// `getRecord`, and a second create with the same key cannot make a second post.
impl Channel for Bluesky {
    fn settle(&mut self, part: &Part, _which: Which) -> Result<Settled, Problem> {
        Ok(match self.get_post(&part.key)? {
            Some((r, _)) => Settled::Out(Out {
                url: self.web_url(&part.key),
                posted: Posted::Bluesky(r),
                found: Some("settled: it had gone out"),
            }),
            None => Settled::Send,
        })
    }

    fn request<'a>(
        &'a mut self,
        part: &'a Part,
        post: Post<'a>,
        thread: Option<Thread<'a>>,
    ) -> Request<'a> {
        let reply = thread.and_then(|t| match (t.root, t.parent) {
            (Posted::Bluesky(root), Posted::Bluesky(parent)) => Some((root, parent)),
            _ => None,
        });
        let mut record = self.post_record(&part.text, post.lang, Utc::now(), reply);
        let images = post.images;
        let link_card = post.link_card;
        Box::new(move || {
            // The images first, each time the part is sent (an upload makes nothing anyone
            // sees; the record key keeps the post to one).
            if !images.is_empty() {
                record["embed"] = self.images_embed(images)?;
                crate::publisher::checkpoint("after-upload");
            } else if let Some(embed) = link_card
                .then(|| self.card_embed(&part.text))
                .transpose()?
                .flatten()
            {
                // No images: the first link's card, built here (Bluesky leaves it to the
                // client).
                record["embed"] = embed;
                crate::publisher::checkpoint("after-upload");
            }
            let r = self.create_post(&part.key, &record)?;
            Ok(Out {
                url: self.web_url(&part.key),
                posted: Posted::Bluesky(r),
                found: None,
            })
        })
    }

    fn settle_failed(&mut self, part: &Part, _which: Which, problem: Problem) -> Failed {
        // A failed create may still have made the record (a 5xx after the write, a cut
        // connection): look before deciding.
        if let Ok(Some((r, _))) = self.get_post(&part.key) {
            return Failed::Out(Out {
                url: self.web_url(&part.key),
                posted: Posted::Bluesky(r),
                found: None,
            });
        }
        if matches!(
            problem,
            Problem::Net(Failure::NotSent(_)) | Problem::Net(Failure::Status { status: 429, .. })
        ) {
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
        let client = Bluesky {
            http: http::secret_client(),
            service: DEFAULT_SERVICE.into(),
            did: "did:plc:a".into(),
            handle: "a.bsky.social".into(),
            reference: "bluesky:r".into(),
            secret: Secret {
                app_password: secret.into(),
                access_jwt: secret.into(),
                refresh_jwt: secret.into(),
            },
        };
        vec![format!("{client:?}")]
    }

    #[test]
    fn service_addresses_are_normalised() {
        assert_eq!(service_url(""), "https://bsky.social");
        assert_eq!(service_url("bsky.social/"), "https://bsky.social");
        assert_eq!(
            service_url("http://127.0.0.1:2583"),
            "http://127.0.0.1:2583"
        );
        assert_eq!(rkey_of("at://did:plc:x/app.bsky.feed.post/3abc"), "3abc");
    }
}
