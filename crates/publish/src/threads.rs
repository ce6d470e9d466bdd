//! Threads (Meta): connect with a long-lived access token, keep it alive, and publish in
//! Threads' two steps — a container, then its publication.
//!
//! Meta's sign-in wants an https redirect registered in the app, which a desktop app's loopback
//! listener cannot offer, so the person pastes a long-lived token made in Meta's developer
//! dashboard (as Mastodon's token paste). Such a token lives 60 days; Podium renews it with
//! `th_refresh_token` when fewer than [`REFRESH_WHEN_LEFT`] remain, and the account's notice
//! warns a week before it ends, as for LinkedIn. The token lives in the keyring.
//!
//! Publishing: `POST /{user-id}/threads` makes a container (text, `reply_to_id` for a thread's
//! later parts, the first hashtag as `topic_tag`, the first link as `link_attachment`); its id
//! is committed to the outbox before `POST /{user-id}/threads_publish` publishes it. A container
//! publishes once, so the container id is the idempotency key: a part a crash left `sending` is
//! settled by the container's status — `FINISHED`/`IN_PROGRESS`: not out, publish it;
//! `PUBLISHED`: out, found among the account's recent posts for its id (not found → the user
//! decides); `EXPIRED` (after 24 hours): not out, a new container; `ERROR`: refused.
//!
//! API facts relied on (developers.facebook.com/docs/threads: Posts, Reference → Publishing,
//! Troubleshooting, Overview → Rate limiting, Get started → Long-lived tokens, Retrieve posts):
//! base `https://graph.threads.net/v1.0`; `GET /me?fields=id,username`; container status
//! `GET /{container-id}?fields=status,error_message` with `EXPIRED`, `ERROR`, `FINISHED`,
//! `IN_PROGRESS`, `PUBLISHED`; `GET /{user-id}/threads?fields=id,text,permalink` lists the
//! user's posts newest first; profiles may publish 250 posts per moving 24 hours, told by
//! `GET /{user-id}/threads_publishing_limit?fields=quota_usage,config` (`config.quota_total`,
//! `config.quota_duration` in seconds); long-lived tokens last 60 days and are refreshed, once
//! at least 24 hours old and not expired, by `GET /refresh_access_token?grant_type=
//! th_refresh_token&access_token=…` (answer: `access_token`, `expires_in`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_core::text::check::{self, Options};
use podium_core::wait::{self, Limit, QuotaReading};
use podium_store::{Account, Part, Store};
use reqwest::blocking::{Client, RequestBuilder};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::channel::{self, Channel, Failed, Out, Post, Posted, Request, Settled, Thread, Which};
use crate::credentials;
use crate::http::{self, Failure, Problem};
use crate::oauth;
use crate::{Error, Result};

/// Where Threads' Graph API lives; the API's version is added to it (`/v1.0/…`).
pub const API: &str = "https://graph.threads.net";
/// The API version Podium speaks.
pub const VERSION: &str = "v1.0";
/// A long-lived token's life (Meta: 60 days).
pub const LIFETIME: Duration = Duration::from_secs(60 * 24 * 3600);
/// Renew the token when fewer days than this are left (Meta refuses to renew a token less than
/// a day old, so never sooner than a day after it was made).
pub const REFRESH_WHEN_LEFT: Duration = Duration::from_secs(50 * 24 * 3600);
/// Threads' documented publishing quota, when it does not say: 250 posts per 24 hours.
pub const QUOTA_TOTAL: u32 = 250;
pub const QUOTA_PERIOD: Duration = Duration::from_secs(24 * 3600);
/// How long a post waits when the quota is used up (the API tells the count, not when a post
/// leaves the 24-hour window).
pub const QUOTA_WAIT: Duration = Duration::from_secs(3600);

/// What the keyring holds for a Threads account.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secret {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
}

redacted_debug!(Secret);

/// The signed-in profile.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub name: String,
}

fn versioned(api: &str) -> String {
    format!("{}/{VERSION}", api.trim_end_matches('/'))
}

/// Who a token belongs to.
pub fn who_am_i(api: &str, token: &str) -> Result<Me> {
    http::require_https(api, "Threads' API address")?;
    let request = http::secret_client()
        .get(format!("{}/me", versioned(api)))
        .query(&[("fields", "id,username,name")])
        .bearer_auth(token);
    match http::json::<Me>(request) {
        Ok((me, _)) if !me.id.is_empty() => Ok(me),
        Ok(_) => Err(Error::SignIn(Reason::NoProfileId {
            network: Network::Threads,
        })),
        Err(Failure::Status {
            status: 400 | 401 | 403,
            ..
        }) => Err(Error::SignIn(Reason::ThreadsTokenRefused {})),
        Err(f) => Err(Error::Network(f.reason(Network::Threads))),
    }
}

/// Renews a long-lived token (`th_refresh_token`): the new token and when it ends. Only the
/// status and an OAuth code of a refusal are ever quoted.
pub fn refresh_token(api: &str, token: &str) -> std::result::Result<Secret, Failure> {
    #[derive(Deserialize)]
    struct Answer {
        access_token: String,
        #[serde(default)]
        expires_in: Option<Value>,
    }
    let request = http::secret_client()
        .get(format!(
            "{}/refresh_access_token",
            api.trim_end_matches('/')
        ))
        .query(&[("grant_type", "th_refresh_token"), ("access_token", token)]);
    let answer = http::token_json::<Answer>(request)?;
    Ok(Secret {
        access_token: answer.access_token,
        expires_at: oauth::expires_at(
            answer.expires_in.as_ref().and_then(oauth::lifetime_of),
            LIFETIME,
        ),
    })
}

/// The secret for a pasted token: renewed at once when Threads allows it (then its end is
/// known exactly); a token made within the last day cannot be renewed yet, and then ends 60
/// days from now.
pub fn pasted(api: &str, token: &str) -> Secret {
    refresh_token(api, token).unwrap_or_else(|_| Secret {
        access_token: token.to_owned(),
        expires_at: Utc::now() + chrono::Duration::from_std(LIFETIME).unwrap_or_default(),
    })
}

/// Why an expired sign-in stops the account's posts (worded as the account's notice).
pub fn expired(at: DateTime<Utc>) -> Reason {
    Reason::SignInExpired {
        network: Network::Threads,
        at,
    }
}

/// Renews a Threads account's token when fewer than [`REFRESH_WHEN_LEFT`] remain, storing the
/// new one in the keyring first and then its end date on the account (so the week-ahead notice
/// follows it). A renewal that fails leaves everything as it was: the token still works until
/// its end, and the notice warns ahead of it.
pub fn refresh_stale_sign_in(store: &mut Store, account: Account) -> Account {
    if account.network != Network::Threads {
        return account;
    }
    let Ok(secret) = credentials::load_latest::<Secret>(&account.credential_ref) else {
        return account;
    };
    let left = secret.expires_at - Utc::now();
    let due = chrono::Duration::from_std(REFRESH_WHEN_LEFT).unwrap_or_default();
    if left > due || left <= chrono::Duration::zero() {
        return account;
    }
    if http::require_https(&account.service, "Threads' API address").is_err() {
        return account;
    }
    match refresh_token(&account.service, &secret.access_token) {
        Ok(renewed) => {
            if let Err(e) = credentials::save(&account.credential_ref, &renewed) {
                // The old token still works until its end; keep the new one in memory too.
                let what = format!("{} on Threads", account.handle);
                tracing::warn!(account = %what, error = %e, "the keyring refused Threads' renewed token");
                credentials::keep_unsaved(&account.credential_ref, &what, &renewed);
            }
            if store
                .set_token_expiry(&account.id, Some(renewed.expires_at))
                .is_ok()
            {
                tracing::info!(account = %account.handle, until = %renewed.expires_at, "Threads sign-in renewed");
                return store.account(&account.id).unwrap_or(account);
            }
            account
        }
        Err(f) => {
            tracing::warn!(account = %account.handle, error = %f.describe("Threads"), "Threads sign-in not renewed");
            account
        }
    }
}

/// A container's state, as Threads tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerStatus {
    /// Ready to publish, or still being made: not out.
    Finished,
    InProgress,
    /// Published: out.
    Published,
    /// Not published within 24 hours: it can no longer be, and nothing went out.
    Expired,
    /// Threads could not make it (its error code).
    Error(String),
}

/// A client for one connected Threads account.
pub struct Threads {
    http: Client,
    api: String,
    user_id: String,
    username: String,
    secret: Secret,
    /// The quota as last read, until the publisher takes it.
    quota_read: Option<QuotaReading>,
}

redacted_debug!(Threads);

impl Threads {
    pub fn open(account: &Account) -> Result<Threads, Problem> {
        http::require_https_for(&account.service, "Threads' API address", Network::Threads)?;
        let secret: Secret =
            credentials::load_latest(&account.credential_ref).map_err(Problem::keyring)?;
        if secret.expires_at <= Utc::now() {
            return Err(Problem::Reconnect(expired(secret.expires_at)));
        }
        Ok(Threads {
            http: http::secret_client(),
            api: versioned(&account.service),
            user_id: account.remote_id.clone(),
            username: account.handle.trim_start_matches('@').to_owned(),
            secret,
            quota_read: None,
        })
    }

    fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(&self.secret.access_token)
    }

    /// A failure in Threads' words, a refused sign-in as a reconnect.
    fn problem(f: Failure) -> Problem {
        match f {
            // Meta answers an expired or revoked token with 190 (OAuthException), often as 400.
            Failure::Status { status: 401, .. } => Problem::Reconnect(Reason::TokenEnded {
                network: Network::Threads,
            }),
            Failure::Status {
                status: 400,
                ref code,
                ref message,
                ..
            } if code == "OAuthException" || message.contains("access token") => {
                Problem::Reconnect(Reason::TokenEnded {
                    network: Network::Threads,
                })
            }
            Failure::Status {
                status: 429,
                retry_after,
                ..
            } => Problem::Net(limited(
                Limit::RateLimited {
                    network: Network::Threads,
                    wait: retry_after,
                },
                retry_after,
            )),
            other => Problem::Net(other),
        }
    }

    /// How many posts the account published in the quota's window, of how many.
    pub fn quota(&self) -> Result<(u32, u32, Duration), Problem> {
        let request = self
            .authorized(self.http.get(format!(
                "{}/{}/threads_publishing_limit",
                self.api, self.user_id
            )))
            .query(&[("fields", "quota_usage,config")]);
        let (v, _) = http::json::<Value>(request).map_err(Self::problem)?;
        let row = &v["data"][0];
        let number = |p: &str| row.pointer(p).and_then(Value::as_u64);
        Ok((
            number("/quota_usage").map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            number("/config/quota_total")
                .map_or(QUOTA_TOTAL, |n| u32::try_from(n).unwrap_or(QUOTA_TOTAL)),
            number("/config/quota_duration").map_or(QUOTA_PERIOD, Duration::from_secs),
        ))
    }

    /// `POST /{user-id}/threads`: a text container (a reply when `reply_to` is given). Makes no
    /// post.
    pub fn create_container(&self, text: &str, reply_to: Option<&str>) -> Result<String, Problem> {
        let report = check::check(text, Network::Threads, &Options::default());
        let mut form: Vec<(&str, &str)> = vec![("media_type", "TEXT"), ("text", text)];
        if let Some(id) = reply_to {
            form.push(("reply_to_id", id));
        }
        // The topic tag Threads links (the first hashtag; Podium's checks say so).
        if let Some(tag) = report
            .hashtags
            .first()
            .filter(|t| !t.contains(['.', '&']) && t.chars().count() <= 50)
        {
            form.push(("topic_tag", tag));
        }
        if let Some(link) = report
            .urls
            .iter()
            .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            form.push(("link_attachment", link));
        }
        let request = self
            .authorized(
                self.http
                    .post(format!("{}/{}/threads", self.api, self.user_id)),
            )
            .form(&form);
        match http::json::<Value>(request) {
            Ok((v, _)) => v["id"].as_str().map(str::to_owned).ok_or_else(|| {
                // No container to point at, and none can be published: nothing went out.
                Problem::Net(Failure::NotSent(http::Unreachable::other(
                    "Threads answered without the container's id",
                )))
            }),
            Err(f) => Err(Self::problem(f)),
        }
    }

    /// `GET /{container-id}?fields=status,error_message`.
    pub fn container_status(&self, container: &str) -> Result<ContainerStatus, Problem> {
        let request = self
            .authorized(self.http.get(format!("{}/{container}", self.api)))
            .query(&[("fields", "status,error_message")]);
        let (v, _) = http::json::<Value>(request).map_err(Self::problem)?;
        Ok(match v["status"].as_str().unwrap_or_default() {
            "FINISHED" => ContainerStatus::Finished,
            "IN_PROGRESS" => ContainerStatus::InProgress,
            "PUBLISHED" => ContainerStatus::Published,
            "EXPIRED" => ContainerStatus::Expired,
            "ERROR" => {
                ContainerStatus::Error(v["error_message"].as_str().unwrap_or("UNKNOWN").to_owned())
            }
            other => {
                return Err(Problem::Net(Failure::Unclear(format!(
                    "Threads told the container's status as {other:?}, which Podium does not know"
                ))))
            }
        })
    }

    /// `POST /{user-id}/threads_publish`: the published post's id.
    pub fn publish(&self, container: &str) -> Result<String, Problem> {
        let request = self
            .authorized(
                self.http
                    .post(format!("{}/{}/threads_publish", self.api, self.user_id)),
            )
            .form(&[("creation_id", container)]);
        match http::json::<Value>(request) {
            Ok((v, _)) => v["id"].as_str().map(str::to_owned).ok_or_else(|| {
                Problem::Net(Failure::Unclear(
                    "Threads answered without the post's id".into(),
                ))
            }),
            Err(f) => Err(Self::problem(f)),
        }
    }

    /// The account's recent posts: `(id, text, permalink)`, newest first.
    pub fn recent(&self) -> Result<Vec<(String, String, Option<String>)>, Problem> {
        let request = self
            .authorized(
                self.http
                    .get(format!("{}/{}/threads", self.api, self.user_id)),
            )
            .query(&[("fields", "id,text,permalink"), ("limit", "25")]);
        let (v, _) = http::json::<Value>(request).map_err(Self::problem)?;
        Ok(v["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| {
                        Some((
                            p["id"].as_str()?.to_owned(),
                            p["text"].as_str().unwrap_or_default().to_owned(),
                            p["permalink"].as_str().map(str::to_owned),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A post's address: its permalink, else the profile's.
    fn url(&self, id: &str, permalink: Option<String>) -> String {
        permalink
            .or_else(|| {
                let request = self
                    .authorized(self.http.get(format!("{}/{id}", self.api)))
                    .query(&[("fields", "permalink")]);
                http::json::<Value>(request)
                    .ok()
                    .and_then(|(v, _)| v["permalink"].as_str().map(str::to_owned))
            })
            .unwrap_or_else(|| format!("https://www.threads.net/@{}", self.username))
    }

    /// The published post with `text` among the recent ones.
    fn find(&self, text: &str) -> Result<Option<Out>, Problem> {
        let wanted = text.trim();
        Ok(self
            .recent()?
            .into_iter()
            .find(|(_, t, _)| t.trim() == wanted)
            .map(|(id, _, permalink)| Out {
                url: self.url(&id, permalink),
                posted: Posted::Id(id),
                found: Some("settled by the container's status: it had gone out"),
            }))
    }

    /// What became of a part whose container may have been published.
    fn settle_container(&self, part: &Part, which: Which) -> Result<Settled, Problem> {
        let Some(container) = part.container.as_deref() else {
            // No container committed: the publish request never left.
            return Ok(Settled::Send);
        };
        Ok(match self.container_status(container)? {
            ContainerStatus::Finished | ContainerStatus::InProgress => Settled::Send,
            ContainerStatus::Expired => Settled::SendAfresh,
            ContainerStatus::Published => match self.find(&part.text)? {
                Some(out) => Settled::Out(out),
                None => Settled::Unknown(Reason::PublishedNotFound {
                    network: Network::Threads,
                    part: which.part,
                    parts: which.parts,
                }),
            },
            ContainerStatus::Error(code) => {
                let why = Reason::ContainerFailed {
                    network: Network::Threads,
                    detail: code,
                };
                return Err(Problem::Net(Failure::Status {
                    status: 400,
                    code: "container_error".into(),
                    message: why.to_string(),
                    retry_after: None,
                    reason: Some(Box::new(why)),
                }));
            }
        })
    }
}

/// A `429` for one of Threads' limits, worded from it.
fn limited(limit: Limit, retry_after: Option<Duration>) -> Failure {
    let code = match limit {
        Limit::Quota { .. } => "quota",
        Limit::UsageCapped { .. } => "usage_cap",
        Limit::RateLimited { .. } => "rate_limit",
    };
    Failure::Status {
        status: 429,
        code: code.into(),
        message: limit.to_string(),
        retry_after,
        reason: Some(Box::new(limit.reason())),
    }
}

impl Channel for Threads {
    fn settle(&mut self, part: &Part, which: Which) -> Result<Settled, Problem> {
        self.settle_container(part, which)
    }

    /// The quota first (nothing is made when it is used up), then a container if the part has
    /// none yet.
    fn prepare(
        &mut self,
        part: &Part,
        _post: Post<'_>,
        thread: Option<Thread<'_>>,
    ) -> Result<Option<String>, Problem> {
        let (used, total, period) = self.quota()?;
        self.quota_read = Some(QuotaReading {
            used,
            total,
            period_secs: period.as_secs(),
            at: Utc::now(),
        });
        if used >= total {
            return Err(Problem::Net(limited(
                Limit::Quota {
                    network: Network::Threads,
                    used,
                    total,
                    period,
                    wait: Some(QUOTA_WAIT),
                },
                Some(QUOTA_WAIT),
            )));
        }
        if let Some(near) = wait::near_quota(Network::Threads, used, total, period) {
            tracing::warn!(account = %self.username, "{near}");
        }
        if part.container.is_some() {
            return Ok(None);
        }
        let reply_to = thread.and_then(|t| t.parent_id());
        self.create_container(&part.text, reply_to).map(Some)
    }

    fn request<'a>(
        &'a mut self,
        part: &'a Part,
        _post: Post<'a>,
        _thread: Option<Thread<'a>>,
    ) -> Request<'a> {
        Box::new(move || {
            let container = part.container.as_deref().ok_or_else(|| {
                Problem::Net(Failure::NotSent(http::Unreachable::other(
                    "the post has no container yet",
                )))
            })?;
            let id = self.publish(container)?;
            Ok(Out {
                url: self.url(&id, None),
                posted: Posted::Id(id),
                found: None,
            })
        })
    }

    /// A refusal made nothing; anything unclear is settled by the container's status, which
    /// cannot be published twice.
    fn quota_read(&mut self) -> Option<QuotaReading> {
        self.quota_read.take()
    }

    fn settle_failed(&mut self, part: &Part, which: Which, problem: Problem) -> Failed {
        if channel::made_nothing(&problem) {
            return Failed::NotSent(problem);
        }
        if !matches!(problem, Problem::Net(_)) {
            return Failed::Unclear(problem);
        }
        match self.settle_container(part, which) {
            Ok(Settled::Out(out)) => Failed::Out(out),
            Ok(Settled::Unknown(why)) => Failed::Unknown(why),
            // Not published: the part goes back to pending with its container, and the next
            // attempt publishes that same container.
            Ok(Settled::Send) => Failed::NotSent(problem),
            Ok(Settled::SendAfresh) => Failed::Unclear(problem),
            Err(_) => Failed::Unclear(problem),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Each type of this module that holds a secret, printed with `{:?}`.
    pub(crate) fn secret_holders(secret: &str) -> Vec<String> {
        let s = Secret {
            access_token: secret.into(),
            expires_at: Utc::now(),
        };
        let client = Threads {
            http: http::secret_client(),
            api: versioned(API),
            user_id: "1".into(),
            username: "leder".into(),
            secret: s.clone(),
            quota_read: None,
        };
        vec![format!("{s:?}"), format!("{client:?}")]
    }

    #[test]
    fn an_expired_threads_sign_in_says_when_and_what_to_do() {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 12, 0, 0).unwrap();
        assert_eq!(
            expired(at).to_string(),
            "Threads sign-in expired on 1 December 2026: reconnect the account (its posts stay queued)"
        );
        assert_eq!(
            versioned("https://graph.threads.net/"),
            "https://graph.threads.net/v1.0"
        );
    }
}
