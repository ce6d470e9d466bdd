//! A local server on 127.0.0.1 that plays X's and LinkedIn's documented APIs, for contract
//! tests (neither network offers a test server): OAuth 2.0 with PKCE (S256 checked, codes valid
//! 30 s, refresh tokens that rotate), OAuth 1.0a headers, `POST /2/tweets`, `GET
//! /2/users/:id/tweets` (texts shown back as X does: t.co links, HTML entities), LinkedIn's
//! OAuth, `/v2/userinfo` and `POST /rest/posts` (protocol and version headers checked; 426 for a
//! retired version), and Threads' Graph API (`/v1.0/me`, containers made by `POST
//! /{user}/threads` and published once by `POST /{user}/threads_publish`, their status,
//! the user's posts, `threads_publishing_limit`, `refresh_access_token` with
//! `th_refresh_token`, refused for a token less than a day old). A queue of faults decides how
//! the next post request (for Threads: the next publish request) is answered.
//!
//! Images: X's `POST /2/media/upload` (multipart, `media` + `media_category=tweet_image`),
//! `POST /2/media/metadata` (`{id, metadata: {alt_text: {text}}}`, at most 1,000 characters)
//! and `media.media_ids` on `POST /2/tweets` (at most 4, each one uploaded, else 400); a post
//! with media is shown back with a t.co link after its text. LinkedIn's `POST
//! /rest/images?action=initializeUpload` (owner: the member), the `PUT` of the bytes to the
//! upload address it gave, and `content.media` / `content.multiImage` (2–20) /
//! `content.article` on `POST /rest/posts`, refused (400) when it names an image that was not
//! uploaded.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};
use sha2::Digest;

/// How the server answers the next post request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 401: the access token is treated as expired from now on.
    ExpireToken,
    /// 403 "duplicate content", nothing created.
    Duplicate,
    /// 429 with rate-limit headers (reset in 300 s), nothing created.
    RateLimited,
    /// 429 usage cap problem, nothing created.
    UsageCapped,
    /// 503, nothing created.
    Unavailable,
    /// The post is made, then 503.
    UnavailableAfterCreate,
    /// The post is made, then no answer for `HOLD`.
    HoldAfterCreate,
    /// The post is made, then a body that is not JSON.
    MalformedAfterCreate,
    /// 200 with `errors[]` and no data; nothing created.
    OkWithErrors,
    /// 5xx-free internal error with nothing created.
    ServerError,
}

/// How long `HoldAfterCreate` keeps the answer back.
pub const HOLD: Duration = Duration::from_secs(8);

#[derive(Debug, Default)]
pub struct State {
    pub faults: Vec<Fault>,
    /// Posts made: (id, text as received, reply-to).
    pub tweets: Vec<(String, String, Option<String>)>,
    pub linkedin_posts: Vec<(String, Value)>,
    /// code → (challenge, issued)
    codes: HashMap<String, (String, Instant)>,
    pub access: String,
    pub refresh: String,
    pub expired_access: Vec<String>,
    pub refreshes: usize,
    pub refresh_tokens_seen: Vec<String>,
    pub oauth1_posts: usize,
    pub linkedin_versions: Vec<String>,
    pub linkedin_token: String,
    /// Answer the next LinkedIn post with 422 DUPLICATE_POST naming this URN.
    pub linkedin_duplicate_of: Option<String>,
    pub threads: ThreadsState,
    /// `GET /2/tweets/:id`: each post's `public_metrics`, how many reads came, and, when set,
    /// the next read answered 429 with a reset that many seconds ahead.
    pub x_metrics: HashMap<String, Value>,
    pub x_reads: usize,
    pub x_read_limited: Option<i64>,
    /// X media uploaded, in order.
    pub x_media: Vec<XMedia>,
    /// X post id → the media ids it carries.
    pub tweet_media: HashMap<String, Vec<String>>,
    /// LinkedIn images registered, in order.
    pub linkedin_images: Vec<LinkedInImage>,
}

/// One X media upload.
#[derive(Debug, Clone)]
pub struct XMedia {
    pub id: String,
    pub bytes: usize,
    pub mime: String,
    pub alt: Option<String>,
}

/// One LinkedIn image: registered by `initializeUpload`, its bytes `PUT` (or not yet).
#[derive(Debug, Clone)]
pub struct LinkedInImage {
    pub urn: String,
    pub owner: String,
    token: String,
    /// The bytes received by the `PUT`, when it came.
    pub bytes: Option<usize>,
    pub mime: Option<String>,
}

/// What the Threads part of the server knows.
#[derive(Debug, Default)]
pub struct ThreadsState {
    /// Tokens it accepts; a token in `fresh` is less than a day old (cannot be renewed yet).
    pub tokens: Vec<String>,
    pub fresh: Vec<String>,
    pub refreshes: usize,
    /// Containers by id: (form fields, status).
    pub containers: Vec<(String, HashMap<String, String>, String)>,
    /// Published posts: (id, container id, form fields).
    pub posts: Vec<(String, String, HashMap<String, String>)>,
    /// Added to the count of posts published in the last 24 hours.
    pub quota_used: u32,
}

pub struct Server {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || handle(stream, &state));
            }
        });
        Server { url, state }
    }

    pub fn fault(&self, f: Fault) {
        self.state.lock().unwrap().faults.push(f);
    }

    pub fn tweets(&self) -> Vec<(String, String, Option<String>)> {
        self.state.lock().unwrap().tweets.clone()
    }

    pub fn linkedin_posts(&self) -> Vec<(String, Value)> {
        self.state.lock().unwrap().linkedin_posts.clone()
    }

    /// The X media a post carries, in order, as uploaded (with the alt text set on each).
    pub fn media_of_tweet(&self, id: &str) -> Vec<XMedia> {
        let s = self.state.lock().unwrap();
        s.tweet_media
            .get(id)
            .map(|ids| {
                ids.iter()
                    .filter_map(|m| s.x_media.iter().find(|x| &x.id == m).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many X media uploads came.
    pub fn x_uploads(&self) -> usize {
        self.state.lock().unwrap().x_media.len()
    }

    /// The LinkedIn images registered (uploaded or not).
    pub fn linkedin_images(&self) -> Vec<LinkedInImage> {
        self.state.lock().unwrap().linkedin_images.clone()
    }

    /// A LinkedIn image by URN, if its bytes came.
    pub fn linkedin_image(&self, urn: &str) -> Option<LinkedInImage> {
        self.linkedin_images()
            .into_iter()
            .find(|i| i.urn == urn && i.bytes.is_some())
    }

    /// Threads posts published: (id, container, fields sent when the container was made).
    pub fn threads_posts(&self) -> Vec<(String, String, HashMap<String, String>)> {
        self.state.lock().unwrap().threads.posts.clone()
    }
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.lines();
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    let url = url::Url::parse(&format!("http://x{target}")).ok()?;
    Some(Request {
        method,
        path: url.path().to_owned(),
        query: url.query_pairs().into_owned().collect(),
        headers,
        body,
    })
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("content-type: application/json\r\n");
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// X shows texts back with links as t.co and HTML entities.
fn shown_back(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.starts_with("http") {
                "https://t.co/Ab12Cd34".to_owned()
            } else {
                w.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) {
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    let auth = req
        .headers
        .get("authorization")
        .cloned()
        .unwrap_or_default();
    if req.path.starts_with("/v1.0/") || req.path == "/refresh_access_token" {
        return threads(&mut stream, &req, &auth, state);
    }
    match (req.method.as_str(), req.path.as_str()) {
        // ----- X: OAuth 2.0 with PKCE
        ("GET", "/i/oauth2/authorize") => {
            let q = &req.query;
            let scopes: Vec<&str> = q
                .get("scope")
                .map(|s| s.split(' ').collect())
                .unwrap_or_default();
            let ok = q.get("response_type").map(String::as_str) == Some("code")
                && q.get("code_challenge_method").map(String::as_str) == Some("S256")
                && ["tweet.read", "tweet.write", "users.read", "offline.access"]
                    .iter()
                    .all(|s| scopes.contains(s));
            if !ok {
                return respond(&mut stream, 400, &[], r#"{"error":"invalid_request"}"#);
            }
            let code = format!("code{}", rand_id());
            state
                .lock()
                .unwrap()
                .codes
                .insert(code.clone(), (q["code_challenge"].clone(), Instant::now()));
            let location = format!("{}?state={}&code={code}", q["redirect_uri"], q["state"]);
            respond(&mut stream, 302, &[("location", location)], "");
        }
        ("POST", "/2/oauth2/token") => {
            let f = form(&req.body);
            let mut s = state.lock().unwrap();
            match f.get("grant_type").map(String::as_str) {
                Some("authorization_code") => {
                    let Some((challenge, issued)) = s.codes.remove(&f["code"]) else {
                        return respond(
                            &mut stream,
                            400,
                            &[],
                            r#"{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid."}"#,
                        );
                    };
                    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
                    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(sha2::Sha256::digest(verifier.as_bytes()));
                    if computed != challenge
                        || issued.elapsed() > Duration::from_secs(30)
                        || !f.contains_key("client_id")
                    {
                        return respond(&mut stream, 400, &[], r#"{"error":"invalid_request"}"#);
                    }
                    s.access = format!("A{}", rand_id());
                    s.refresh = format!("R{}", rand_id());
                }
                Some("refresh_token") => {
                    let given = f.get("refresh_token").cloned().unwrap_or_default();
                    s.refresh_tokens_seen.push(given.clone());
                    if given != s.refresh {
                        return respond(
                            &mut stream,
                            400,
                            &[],
                            r#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#,
                        );
                    }
                    s.refreshes += 1;
                    s.access = format!("A{}", rand_id());
                    s.refresh = format!("R{}", rand_id()); // rotates: the old one is dead
                }
                _ => {
                    return respond(
                        &mut stream,
                        400,
                        &[],
                        r#"{"error":"unsupported_grant_type"}"#,
                    )
                }
            }
            let body = json!({"token_type": "bearer", "expires_in": 7200, "access_token": s.access, "refresh_token": s.refresh, "scope": "tweet.read tweet.write users.read offline.access"});
            respond(&mut stream, 200, &[], &body.to_string());
        }
        ("GET", "/2/users/me") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                );
            }
            respond(
                &mut stream,
                200,
                &[],
                r#"{"data":{"id":"42","name":"Leder","username":"leder"}}"#,
            );
        }
        ("GET", "/2/users/42/tweets") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","status":401}"#,
                );
            }
            let s = state.lock().unwrap();
            let data: Vec<Value> = s
                .tweets
                .iter()
                .rev()
                .map(|(id, text, _)| {
                    let mut shown = shown_back(text);
                    if s.tweet_media.contains_key(id) {
                        // X adds a link to the post's media after its text.
                        shown.push_str(" https://t.co/Md56Ef78");
                    }
                    json!({"id": id, "text": shown})
                })
                .collect();
            respond(
                &mut stream,
                200,
                &[],
                &json!({"data": data, "meta": {"result_count": data.len()}}).to_string(),
            );
        }
        ("POST", "/2/tweets") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                );
            }
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let text = body["text"].as_str().unwrap_or_default().to_owned();
            let reply = body
                .pointer("/reply/in_reply_to_tweet_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let media: Option<Vec<String>> = body.pointer("/media/media_ids").map(|ids| {
                ids.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|i| i.as_str().unwrap_or("not a string").to_owned())
                            .collect()
                    })
                    .unwrap_or_default()
            });
            if let Some(ids) = &media {
                let s = state.lock().unwrap();
                let known = ids.iter().all(|i| s.x_media.iter().any(|m| &m.id == i));
                if ids.is_empty() || ids.len() > 4 || !known {
                    drop(s);
                    return respond(
                        &mut stream,
                        400,
                        &[],
                        r#"{"errors":[{"parameters":{"media.media_ids":[]},"message":"Your media IDs are invalid."}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}"#,
                    );
                }
            }
            let fault = next_fault(state);
            let create = |state: &Mutex<State>| {
                let mut s = state.lock().unwrap();
                if auth.starts_with("OAuth ") {
                    s.oauth1_posts += 1;
                }
                let id = format!("{}", 1_000_000 + s.tweets.len());
                s.tweets.push((id.clone(), text.clone(), reply.clone()));
                if let Some(ids) = &media {
                    s.tweet_media.insert(id.clone(), ids.clone());
                }
                id
            };
            match fault {
                None => {
                    let dup = state
                        .lock()
                        .unwrap()
                        .tweets
                        .iter()
                        .any(|(_, t, _)| *t == text);
                    if dup {
                        return respond(
                            &mut stream,
                            403,
                            &[],
                            r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
                        );
                    }
                    let id = create(state);
                    respond(
                        &mut stream,
                        201,
                        &[],
                        &json!({"data": {"id": id, "text": text}}).to_string(),
                    );
                }
                Some(Fault::ExpireToken) => {
                    let mut s = state.lock().unwrap();
                    let a = s.access.clone();
                    s.expired_access.push(a);
                    respond(
                        &mut stream,
                        401,
                        &[],
                        r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                    );
                }
                Some(Fault::Duplicate) => respond(
                    &mut stream,
                    403,
                    &[],
                    r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
                ),
                Some(Fault::RateLimited) => {
                    let reset = (chrono::Utc::now().timestamp() + 300).to_string();
                    respond(
                        &mut stream,
                        429,
                        &[
                            ("x-rate-limit-limit", "200".into()),
                            ("x-rate-limit-remaining", "0".into()),
                            ("x-rate-limit-reset", reset),
                        ],
                        r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
                    );
                }
                Some(Fault::UsageCapped) => respond(
                    &mut stream,
                    429,
                    &[],
                    r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}"#,
                ),
                Some(Fault::Unavailable) => respond(
                    &mut stream,
                    503,
                    &[],
                    r#"{"title":"Service Unavailable","status":503}"#,
                ),
                Some(Fault::ServerError) => respond(
                    &mut stream,
                    500,
                    &[],
                    r#"{"title":"Internal Error","status":500}"#,
                ),
                Some(Fault::UnavailableAfterCreate) => {
                    create(state);
                    respond(
                        &mut stream,
                        503,
                        &[],
                        r#"{"title":"Service Unavailable","status":503}"#,
                    )
                }
                Some(Fault::MalformedAfterCreate) => {
                    create(state);
                    respond(&mut stream, 201, &[], "{\"data\": {\"id\": ")
                }
                Some(Fault::HoldAfterCreate) => {
                    let id = create(state);
                    std::thread::sleep(HOLD);
                    respond(
                        &mut stream,
                        201,
                        &[],
                        &json!({"data": {"id": id, "text": text}}).to_string(),
                    )
                }
                Some(Fault::OkWithErrors) => respond(
                    &mut stream,
                    200,
                    &[],
                    r#"{"errors":[{"message":"Your Tweet text is too long.","detail":"Your Tweet text is too long."}]}"#,
                ),
            }
        }
        ("POST", "/2/media/upload") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                );
            }
            let content_type = req.headers.get("content-type").cloned().unwrap_or_default();
            let parts = multipart_parts(&content_type, &req.body);
            let field = |name: &str| parts.iter().find(|p| p.0 == name).map(|p| p.1.clone());
            let media = field("media").unwrap_or_default();
            let category = field("media_category").map(|c| String::from_utf8_lossy(&c).to_string());
            let mime = field("media_type")
                .map(|c| String::from_utf8_lossy(&c).to_string())
                .unwrap_or_default();
            if category.as_deref() != Some("tweet_image") || image_kind(&media).is_none() {
                return respond(
                    &mut stream,
                    400,
                    &[],
                    r#"{"errors":[{"message":"media and media_category=tweet_image are required; media must be an image"}],"title":"Invalid Request","type":"https://api.twitter.com/2/problems/invalid-request"}"#,
                );
            }
            let mut s = state.lock().unwrap();
            let id = format!("{}", 1_860_000_000_000_000_000u64 + s.x_media.len() as u64);
            s.x_media.push(XMedia {
                id: id.clone(),
                bytes: media.len(),
                mime,
                alt: None,
            });
            let body = json!({"data": {"id": id, "media_key": format!("3_{id}"), "size": media.len(), "expires_after_secs": 86400}});
            respond(&mut stream, 200, &[], &body.to_string());
        }
        ("POST", "/2/media/metadata") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
                );
            }
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let id = body["id"].as_str().unwrap_or_default().to_owned();
            let alt = body
                .pointer("/metadata/alt_text/text")
                .and_then(Value::as_str);
            let mut s = state.lock().unwrap();
            let known = s.x_media.iter_mut().find(|m| m.id == id);
            match (known, alt) {
                (Some(m), Some(alt)) if alt.chars().count() <= 1000 => {
                    m.alt = Some(alt.to_owned());
                    let answer = json!({"data": {"id": id, "associated_metadata": {"alt_text": {"text": alt}}}});
                    respond(&mut stream, 200, &[], &answer.to_string());
                }
                _ => respond(
                    &mut stream,
                    400,
                    &[],
                    r#"{"errors":[{"message":"an uploaded media id and metadata.alt_text.text of at most 1000 characters are required"}],"title":"Invalid Request","type":"https://api.twitter.com/2/problems/invalid-request"}"#,
                ),
            }
        }
        // ----- LinkedIn
        ("POST", "/rest/images") => {
            if let Some(refused) = linkedin_refuses(&req, &auth, state) {
                return respond(&mut stream, refused.0, &[], refused.1);
            }
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let owner = body
                .pointer("/initializeUploadRequest/owner")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if req.query.get("action").map(String::as_str) != Some("initializeUpload") {
                return respond(
                    &mut stream,
                    400,
                    &[],
                    r#"{"message":"action=initializeUpload is required","status":400}"#,
                );
            }
            if owner != "urn:li:person:abc123" {
                return respond(
                    &mut stream,
                    403,
                    &[],
                    r#"{"message":"Not enough permissions to upload for this owner","status":403}"#,
                );
            }
            let host = req.headers.get("host").cloned().unwrap_or_default();
            let mut s = state.lock().unwrap();
            let urn = format!("urn:li:image:D4E10AQ{}", 100 + s.linkedin_images.len());
            let token = format!("up{}", rand_id());
            s.linkedin_images.push(LinkedInImage {
                urn: urn.clone(),
                owner,
                token: token.clone(),
                bytes: None,
                mime: None,
            });
            let answer = json!({"value": {
                "uploadUrlExpiresAt": chrono::Utc::now().timestamp_millis() + 86_400_000,
                "uploadUrl": format!("http://{host}/dms-uploads/{token}"),
                "image": urn,
            }});
            respond(&mut stream, 200, &[], &answer.to_string());
        }
        ("PUT", path) if path.starts_with("/dms-uploads/") => {
            let token = path.trim_start_matches("/dms-uploads/").to_owned();
            let mut s = state.lock().unwrap();
            if auth != format!("Bearer {}", s.linkedin_token) {
                drop(s);
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"message":"Invalid access token","status":401}"#,
                );
            }
            let Some(image) = s.linkedin_images.iter_mut().find(|i| i.token == token) else {
                drop(s);
                return respond(&mut stream, 404, &[], r#"{"message":"no such upload"}"#);
            };
            if image_kind(&req.body).is_none() {
                drop(s);
                return respond(
                    &mut stream,
                    400,
                    &[],
                    r#"{"message":"not an image","status":400}"#,
                );
            }
            image.bytes = Some(req.body.len());
            image.mime = req.headers.get("content-type").cloned();
            drop(s);
            respond(&mut stream, 201, &[], "");
        }
        ("GET", "/oauth/v2/authorization") => {
            let q = &req.query;
            let code = format!("li{}", rand_id());
            state
                .lock()
                .unwrap()
                .codes
                .insert(code.clone(), (String::new(), Instant::now()));
            let location = format!("{}?code={code}&state={}", q["redirect_uri"], q["state"]);
            respond(&mut stream, 302, &[("location", location)], "");
        }
        ("POST", "/oauth/v2/accessToken") => {
            let f = form(&req.body);
            let mut s = state.lock().unwrap();
            if f.get("client_secret").map(String::as_str) != Some("li-secret")
                || s.codes
                    .remove(f.get("code").map(String::as_str).unwrap_or(""))
                    .is_none()
            {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
                );
            }
            s.linkedin_token = format!("L{}", rand_id());
            respond(&mut stream, 200, &[], &json!({"access_token": s.linkedin_token, "expires_in": 5_184_000, "scope": "openid,profile,w_member_social"}).to_string());
        }
        ("GET", "/v2/userinfo") => {
            if auth != format!("Bearer {}", state.lock().unwrap().linkedin_token) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"serviceErrorCode":65600,"message":"Invalid access token","status":401}"#,
                );
            }
            respond(
                &mut stream,
                200,
                &[],
                r#"{"sub":"abc123","name":"Leder Lederson","locale":{"language":"nb","country":"NO"}}"#,
            );
        }
        ("GET", "/rest/posts") => respond(
            &mut stream,
            403,
            &[],
            r#"{"serviceErrorCode":100,"message":"Not enough permissions to access: partnerApiPostsExternal.FINDER-author","status":403}"#,
        ),
        ("POST", "/rest/posts") => {
            let version = req
                .headers
                .get("linkedin-version")
                .cloned()
                .unwrap_or_default();
            state
                .lock()
                .unwrap()
                .linkedin_versions
                .push(version.clone());
            if req
                .headers
                .get("x-restli-protocol-version")
                .map(String::as_str)
                != Some("2.0.0")
            {
                return respond(
                    &mut stream,
                    400,
                    &[],
                    r#"{"message":"missing X-Restli-Protocol-Version","status":400}"#,
                );
            }
            if version == "202001" {
                return respond(
                    &mut stream,
                    426,
                    &[],
                    r#"{"code":"NONEXISTENT_VERSION","message":"Requested version 20200101 is not active","status":426}"#,
                );
            }
            if auth != format!("Bearer {}", state.lock().unwrap().linkedin_token) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"serviceErrorCode":65600,"message":"Invalid access token","status":401}"#,
                );
            }
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            if let Err(why) = linkedin_content(&body["content"], state) {
                let answer = json!({"message": why, "status": 400});
                return respond(&mut stream, 400, &[], &answer.to_string());
            }
            if let Some(urn) = state.lock().unwrap().linkedin_duplicate_of.take() {
                let answer = json!({
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": format!("com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of {urn}"),
                    "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}]},
                    "status": 422
                });
                return respond(&mut stream, 422, &[], &answer.to_string());
            }
            let fault = next_fault(state);
            let create = |state: &Mutex<State>| {
                let mut s = state.lock().unwrap();
                let urn = format!("urn:li:share:{}", 7_000_000 + s.linkedin_posts.len());
                s.linkedin_posts.push((urn.clone(), body.clone()));
                urn
            };
            match fault {
                None => {
                    let urn = create(state);
                    respond(&mut stream, 201, &[("x-restli-id", urn)], "")
                }
                Some(Fault::RateLimited) => respond(
                    &mut stream,
                    429,
                    &[("retry-after", "120".into())],
                    r#"{"message":"Resource level throttle limit exceeded","status":429}"#,
                ),
                Some(Fault::HoldAfterCreate) => {
                    let urn = create(state);
                    std::thread::sleep(HOLD);
                    respond(&mut stream, 201, &[("x-restli-id", urn)], "")
                }
                Some(Fault::UnavailableAfterCreate) => {
                    create(state);
                    respond(
                        &mut stream,
                        504,
                        &[],
                        r#"{"message":"Gateway timeout","status":504}"#,
                    )
                }
                Some(_) => respond(
                    &mut stream,
                    500,
                    &[],
                    r#"{"message":"Internal Server Error","status":500}"#,
                ),
            }
        }
        ("GET", path) if path.starts_with("/2/tweets/") => {
            if !x_authorized(&auth, state) {
                return respond(
                    &mut stream,
                    401,
                    &[],
                    r#"{"title":"Unauthorized","status":401}"#,
                );
            }
            let id = path.trim_start_matches("/2/tweets/").to_owned();
            let mut s = state.lock().unwrap();
            s.x_reads += 1;
            if let Some(secs) = s.x_read_limited.take() {
                let reset = (chrono::Utc::now().timestamp() + secs).to_string();
                drop(s);
                return respond(
                    &mut stream,
                    429,
                    &[
                        ("x-rate-limit-limit", "15".into()),
                        ("x-rate-limit-remaining", "0".into()),
                        ("x-rate-limit-reset", reset),
                    ],
                    r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
                );
            }
            let fields = req.query.get("tweet.fields").cloned().unwrap_or_default();
            let body = match s.tweets.iter().find(|(t, _, _)| *t == id) {
                Some((_, text, _)) if fields.split(',').any(|f| f == "public_metrics") => {
                    let metrics = s.x_metrics.get(&id).cloned().unwrap_or_else(|| {
                        json!({"retweet_count": 0, "reply_count": 0, "like_count": 0,
                               "quote_count": 0, "bookmark_count": 0, "impression_count": 0})
                    });
                    json!({"data": {"id": id, "text": shown_back(text), "public_metrics": metrics}})
                }
                Some((_, text, _)) => json!({"data": {"id": id, "text": shown_back(text)}}),
                None => {
                    json!({"errors": [{"value": id, "detail": format!("Could not find tweet with id: [{id}]."),
                    "title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
                }
            };
            respond(&mut stream, 200, &[], &body.to_string());
        }
        _ => respond(&mut stream, 404, &[], r#"{"error":"not found"}"#),
    }
}

/// Threads' Graph API: errors as Meta nests them (`{"error": {"message", "type", "code"}}`).
fn threads(stream: &mut TcpStream, req: &Request, auth: &str, state: &Mutex<State>) {
    let meta_error = |stream: &mut TcpStream, status: u16, kind: &str, code: u32, message: &str| {
        let body =
            json!({"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "t"}});
        respond(stream, status, &[], &body.to_string());
    };
    if req.path == "/refresh_access_token" {
        let token = req.query.get("access_token").cloned().unwrap_or_default();
        let mut s = state.lock().unwrap();
        if req.query.get("grant_type").map(String::as_str) != Some("th_refresh_token")
            || !s.threads.tokens.contains(&token)
            || s.threads.fresh.contains(&token)
        {
            drop(s);
            return meta_error(
                stream,
                400,
                "OAuthException",
                190,
                "Error validating access token",
            );
        }
        s.threads.refreshes += 1;
        let renewed = format!("TH{}", rand_id());
        s.threads.tokens.push(renewed.clone());
        let body =
            json!({"access_token": renewed, "token_type": "bearer", "expires_in": 5_183_944});
        return respond(stream, 200, &[], &body.to_string());
    }
    let token = auth.strip_prefix("Bearer ").unwrap_or_default().to_owned();
    if !state.lock().unwrap().threads.tokens.contains(&token) {
        return meta_error(
            stream,
            400,
            "OAuthException",
            190,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    let path = req.path.trim_start_matches("/v1.0/").to_owned();
    let parts: Vec<&str> = path.split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["me"]) => respond(
            stream,
            200,
            &[],
            r#"{"id":"1789","username":"leder","name":"Leder Lederson"}"#,
        ),
        ("GET", ["1789", "threads_publishing_limit"]) => {
            let s = state.lock().unwrap();
            let used = s.threads.posts.len() as u32 + s.threads.quota_used;
            let body = json!({"data": [{"quota_usage": used, "config": {"quota_total": 250, "quota_duration": 86400}}]});
            respond(stream, 200, &[], &body.to_string());
        }
        ("POST", ["1789", "threads"]) => {
            let f = form(&req.body);
            if f.get("media_type").map(String::as_str) != Some("TEXT") || !f.contains_key("text") {
                return meta_error(
                    stream,
                    400,
                    "THApiException",
                    100,
                    "The parameter text is required for TEXT posts",
                );
            }
            if let Some(parent) = f.get("reply_to_id") {
                if !state
                    .lock()
                    .unwrap()
                    .threads
                    .posts
                    .iter()
                    .any(|p| &p.0 == parent)
                {
                    return meta_error(
                        stream,
                        400,
                        "THApiException",
                        100,
                        "reply_to_id is not a post",
                    );
                }
            }
            let mut s = state.lock().unwrap();
            let id = format!("c{}", 500 + s.threads.containers.len());
            s.threads
                .containers
                .push((id.clone(), f, "FINISHED".into()));
            respond(stream, 200, &[], &json!({"id": id}).to_string());
        }
        ("POST", ["1789", "threads_publish"]) => {
            let f = form(&req.body);
            let container = f.get("creation_id").cloned().unwrap_or_default();
            let fault = next_fault(state);
            if fault == Some(Fault::Unavailable) {
                return respond(
                    stream,
                    503,
                    &[],
                    r#"{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}"#,
                );
            }
            let mut s = state.lock().unwrap();
            let Some(k) = s.threads.containers.iter().position(|c| c.0 == container) else {
                drop(s);
                return meta_error(
                    stream,
                    400,
                    "THApiException",
                    24,
                    "The requested resource does not exist",
                );
            };
            if s.threads.containers[k].2 != "FINISHED" {
                let status = s.threads.containers[k].2.clone();
                drop(s);
                return meta_error(
                    stream,
                    400,
                    "THApiException",
                    9007,
                    &format!("Media is not available to be published ({status})"),
                );
            }
            s.threads.containers[k].2 = "PUBLISHED".into();
            let id = format!("{}", 18_000_000 + s.threads.posts.len());
            let fields = s.threads.containers[k].1.clone();
            s.threads.posts.push((id.clone(), container, fields));
            drop(s);
            match fault {
                Some(Fault::HoldAfterCreate) => {
                    std::thread::sleep(HOLD);
                    respond(stream, 200, &[], &json!({"id": id}).to_string());
                }
                Some(Fault::UnavailableAfterCreate) => respond(
                    stream,
                    503,
                    &[],
                    r#"{"error":{"message":"Please retry your request later.","type":"OAuthException","code":2}}"#,
                ),
                _ => respond(stream, 200, &[], &json!({"id": id}).to_string()),
            }
        }
        ("GET", ["1789", "threads"]) => {
            let s = state.lock().unwrap();
            let data: Vec<Value> = s
                .threads
                .posts
                .iter()
                .rev()
                .map(|(id, _, f)| json!({"id": id, "text": f["text"], "permalink": format!("https://www.threads.net/@leder/post/P{id}")}))
                .collect();
            respond(
                stream,
                200,
                &[],
                &json!({"data": data, "paging": {}}).to_string(),
            );
        }
        ("GET", [id]) => {
            let s = state.lock().unwrap();
            if let Some((_, _, status)) = s.threads.containers.iter().find(|c| c.0 == *id) {
                return respond(
                    stream,
                    200,
                    &[],
                    &json!({"id": id, "status": status}).to_string(),
                );
            }
            if s.threads.posts.iter().any(|p| p.0 == *id) {
                let body = json!({"id": id, "permalink": format!("https://www.threads.net/@leder/post/P{id}")});
                return respond(stream, 200, &[], &body.to_string());
            }
            drop(s);
            meta_error(stream, 400, "THApiException", 100, "Object does not exist")
        }
        _ => meta_error(stream, 404, "THApiException", 100, "Unknown path"),
    }
}

impl Server {
    /// A long-lived Threads token the server accepts (and renews).
    pub fn threads_token(&self) -> String {
        let token = format!("THlong{}", rand_id());
        self.state
            .lock()
            .unwrap()
            .threads
            .tokens
            .push(token.clone());
        token
    }

    /// Marks a container expired (24 hours passed without publishing it).
    pub fn expire_threads_container(&self, id: &str) {
        let mut s = self.state.lock().unwrap();
        if let Some(c) = s.threads.containers.iter_mut().find(|c| c.0 == id) {
            c.2 = "EXPIRED".into();
        }
    }
}

/// `multipart/form-data` parts: (name, content).
fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Some(boundary) = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
    else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let mut out = Vec::new();
    let mut starts: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_slice())
        .map(|(k, _)| k)
        .collect();
    starts.dedup();
    for pair in starts.windows(2) {
        let part = &body[pair[0] + delimiter.len()..pair[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let Some(name) = head
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name=\""))
            .and_then(|n| n.split('"').next())
        else {
            continue;
        };
        out.push((name.to_owned(), part[split + 4..].to_vec()));
    }
    out
}

/// "jpeg" or "png" by the bytes' signature.
fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    }
}

/// What LinkedIn's REST calls check first: the protocol header, the version and the token.
fn linkedin_refuses(
    req: &Request,
    auth: &str,
    state: &Mutex<State>,
) -> Option<(u16, &'static str)> {
    if req
        .headers
        .get("x-restli-protocol-version")
        .map(String::as_str)
        != Some("2.0.0")
    {
        return Some((
            400,
            r#"{"message":"missing X-Restli-Protocol-Version","status":400}"#,
        ));
    }
    let version = req
        .headers
        .get("linkedin-version")
        .cloned()
        .unwrap_or_default();
    if version.len() != 6 || version == "202001" {
        return Some((
            426,
            r#"{"code":"NONEXISTENT_VERSION","message":"Requested version is not active","status":426}"#,
        ));
    }
    if auth != format!("Bearer {}", state.lock().unwrap().linkedin_token) {
        return Some((
            401,
            r#"{"serviceErrorCode":65600,"message":"Invalid access token","status":401}"#,
        ));
    }
    None
}

/// A post's `content` as LinkedIn checks it: at most one kind; every image it names uploaded
/// (registered and its bytes received); `multiImage` with 2 to 20 images; an article with its
/// source and title.
fn linkedin_content(content: &Value, state: &Mutex<State>) -> Result<(), String> {
    if content.is_null() {
        return Ok(());
    }
    let Some(fields) = content.as_object() else {
        return Err("content must be an object".into());
    };
    if fields.len() != 1 {
        return Err(format!(
            "content must have exactly one kind, got {fields:?}"
        ));
    }
    let uploaded = |urn: &Value| -> Result<(), String> {
        let urn = urn.as_str().unwrap_or_default();
        let s = state.lock().unwrap();
        if s.linkedin_images
            .iter()
            .any(|i| i.urn == urn && i.bytes.is_some())
        {
            Ok(())
        } else {
            Err(format!("{urn} is not an uploaded image"))
        }
    };
    if let Some(media) = content.get("media") {
        uploaded(&media["id"])?;
        if media.get("altText").is_some_and(|a| !a.is_string()) {
            return Err("media.altText must be a string".into());
        }
        return Ok(());
    }
    if let Some(multi) = content.get("multiImage") {
        let images = multi["images"].as_array().cloned().unwrap_or_default();
        if !(2..=20).contains(&images.len()) {
            return Err(format!(
                "multiImage takes 2 to 20 images, got {}",
                images.len()
            ));
        }
        for image in &images {
            uploaded(&image["id"])?;
        }
        return Ok(());
    }
    if let Some(article) = content.get("article") {
        if !article["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("http"))
            || !article["title"].is_string()
        {
            return Err("article needs its source and title".into());
        }
        if let Some(thumb) = article.get("thumbnail") {
            uploaded(thumb)?;
        }
        return Ok(());
    }
    Err(format!("unknown content {content}"))
}

/// The fault queued for the next post request, if any.
fn next_fault(state: &Mutex<State>) -> Option<Fault> {
    let mut s = state.lock().unwrap();
    (!s.faults.is_empty()).then(|| s.faults.remove(0))
}

fn x_authorized(auth: &str, state: &Mutex<State>) -> bool {
    if let Some(sig) = auth.strip_prefix("OAuth ") {
        // OAuth 1.0a: a header with our consumer key, token and a signature.
        return sig.contains("oauth_consumer_key=\"ck\"")
            && sig.contains("oauth_token=\"at\"")
            && sig.contains("oauth_signature=\"");
    }
    let s = state.lock().unwrap();
    let token = auth.strip_prefix("Bearer ").unwrap_or_default();
    !token.is_empty() && token == s.access && !s.expired_access.iter().any(|e| e == token)
}

fn rand_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!("{}{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}
