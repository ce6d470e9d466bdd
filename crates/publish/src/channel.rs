//! What the publisher needs of a network: one [`Channel`] per account, opened by [`open`]. Each
//! network's module implements it (how a part is sent, and how an unclear outcome is settled);
//! the publisher keeps the steps every network shares (claim, commit `sending` before the
//! request, commit the answer, retries and waits).
//!
//! A channel must never touch the outbox: it answers, and the publisher commits. Nor may it send
//! anything while settling a part that may be out, except with the key that makes a repeat
//! harmless (a Bluesky record key, a Mastodon Idempotency-Key).

use podium_core::draft::Visibility;
use podium_core::reason::Reason;
use podium_core::text::check::Network;
use podium_core::wait::QuotaReading;
use podium_store::{Account, Part};

use crate::bluesky::{Bluesky, StrongRef};
use crate::http::{Failure, Problem};
use crate::linkedin::LinkedIn;
use crate::mastodon::Mastodon;
use crate::threads::Threads;
use crate::x::X;

/// One account's way to a network, as the publisher sends and settles through it.
pub(crate) trait Channel {
    /// A part a run left `sending` (it may be out): what became of it, asked before anything
    /// is sent again. `which` names the part for the user ("the post", "part 2 of 3").
    fn settle(&mut self, part: &Part, which: Which) -> Result<Settled, Problem>;

    /// On a network that publishes in two steps (Threads), what must exist before the publish
    /// request: called for a part that is not out, before it is committed `sending`; answers
    /// the id of a container it made (the publisher commits it to the part, so a crash after
    /// the publish request is settled by asking about that container). Making a container
    /// posts nothing. A network that may not take the post now (a quota) says so here.
    fn prepare(
        &mut self,
        _part: &Part,
        _post: Post<'_>,
        _thread: Option<Thread<'_>>,
    ) -> Result<Option<String>, Problem> {
        Ok(None)
    }

    /// The request that sends `part` with its key, as a reply in `thread` when it continues
    /// one. Building it may ask the network (Bluesky resolves mentions); the request itself
    /// leaves only when called, after the publisher committed the part `sending`.
    fn request<'a>(
        &'a mut self,
        part: &'a Part,
        post: Post<'a>,
        thread: Option<Thread<'a>>,
    ) -> Request<'a>;

    /// The request for `part` failed with `problem`: what became of the part.
    fn settle_failed(&mut self, part: &Part, which: Which, problem: Problem) -> Failed;

    /// The posting quota as the network told it since last asked (Threads reads it in
    /// [`prepare`](Channel::prepare)); the publisher keeps it on the account.
    fn quota_read(&mut self) -> Option<QuotaReading> {
        None
    }
}

/// Which part of an entry a reason is about: a thread's part (1-based, of how many), or the
/// single post (both `None`). Printed as the English names it ("the post", "part 2 of 3").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Which {
    pub part: Option<u32>,
    pub parts: Option<u32>,
}

impl Which {
    /// Part `idx` (0-based) of an entry of `total` parts.
    pub fn of(idx: u32, total: usize) -> Which {
        if total > 1 {
            Which {
                part: Some(idx + 1),
                parts: u32::try_from(total).ok(),
            }
        } else {
            Which {
                part: None,
                parts: None,
            }
        }
    }
}

impl std::fmt::Display for Which {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.part, self.parts) {
            (Some(k), Some(n)) => write!(f, "part {k} of {n}"),
            _ => f.write_str("the post"),
        }
    }
}

/// What a post carries besides its text: the draft's language, for Mastodon its content
/// warning and who sees it (the draft's choice, else the account's default), and the images of
/// this part (prepared for the network; a thread's images go with its first post).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Post<'a> {
    pub lang: &'a str,
    pub content_warning: &'a str,
    pub visibility: Visibility,
    pub images: &'a [crate::media::Prepared],
    /// Whether a link with no image gets its card where Podium builds it (Bluesky, LinkedIn);
    /// `false` when the user removed the card.
    pub link_card: bool,
}

/// A part's request, ready to leave.
pub(crate) type Request<'a> = Box<dyn FnOnce() -> Result<Out, Problem> + 'a>;

/// The parts of a thread a reply points at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thread<'a> {
    pub root: &'a Posted,
    pub parent: &'a Posted,
}

impl<'a> Thread<'a> {
    /// The post to reply to, on networks that know posts by id.
    pub fn parent_id(self) -> Option<&'a str> {
        match self.parent {
            Posted::Id(id) => Some(id.as_str()),
            Posted::Bluesky(..) => None,
        }
    }
}

/// A part that is out.
#[derive(Debug)]
pub(crate) struct Out {
    pub posted: Posted,
    /// Where the user sees it.
    pub url: String,
    /// For the log, when it was found rather than answered ("settled: it had gone out").
    pub found: Option<&'static str>,
}

/// What became of a part left `sending`.
#[derive(Debug)]
pub(crate) enum Settled {
    Out(Out),
    /// It is not out, or sending it again with its key cannot make a second post: send it.
    Send,
    /// It is not out and its container can no longer be published (Threads: expired after a
    /// day): forget the container and send it afresh.
    SendAfresh,
    /// Nobody can tell and it is not safe to send again: the user decides (why).
    Unknown(Reason),
}

/// What became of a part whose request failed.
#[derive(Debug)]
pub(crate) enum Failed {
    /// It went out after all.
    Out(Out),
    /// It certainly made nothing: the part is as good as never sent; the attempt stops on this.
    NotSent(Problem),
    /// It may be out: the part stays `sending` (settled on the next try); the attempt stops on this.
    Unclear(Problem),
    /// Nobody can tell: the user decides.
    Unknown(Reason),
}

/// A part that is out, as the next part of a thread needs it.
#[derive(Debug, Clone)]
pub(crate) enum Posted {
    Bluesky(StrongRef),
    /// Mastodon, X, LinkedIn: the post's id.
    Id(String),
}

impl Posted {
    pub fn from_part(part: &Part) -> Posted {
        let id = part.remote_id.clone().unwrap_or_default();
        match &part.remote_cid {
            Some(cid) => Posted::Bluesky(StrongRef {
                uri: id,
                cid: cid.clone(),
            }),
            None => Posted::Id(id),
        }
    }

    /// The post's id and, on Bluesky, its content id, as the outbox keeps them.
    pub fn ids(&self) -> (&str, Option<&str>) {
        match self {
            Posted::Bluesky(r) => (&r.uri, Some(&r.cid)),
            Posted::Id(id) => (id, None),
        }
    }
}

/// Opens the channel for `account` (its credentials from the keyring).
pub(crate) fn open(
    account: &Account,
    linkedin_version: Option<&str>,
) -> Result<Box<dyn Channel>, Problem> {
    Ok(match account.network {
        Network::Bluesky => Box::new(Bluesky::open(account)?),
        Network::Mastodon => Box::new(Mastodon::open(account)?),
        Network::X => Box::new(X::open(account)?),
        Network::Linkedin => Box::new(LinkedIn::open(account, linkedin_version)?),
        Network::Threads => Box::new(Threads::open(account)?),
    })
}

/// What a network without an idempotency key (X, LinkedIn) offers; every such network is a
/// [`Channel`] that settles by looking the text up among the account's recent posts, never by
/// sending again.
pub(crate) trait Keyless {
    fn network(&self) -> Network;
    fn name(&self) -> &'static str {
        self.network().name()
    }
    /// Uploads what the next post carries besides its text — its images (alt text included),
    /// or on LinkedIn the article card of its first link — and keeps what the network named
    /// them for [`Keyless::create`]. Called before the part is committed `sending`: an upload
    /// shows nobody anything, so a crash after it leaves the part as never sent, and the next
    /// run uploads again and posts once (X lets an unreferenced media id expire; LinkedIn
    /// shows an image only in a post). `Ok(true)`: something was uploaded.
    fn attach(
        &mut self,
        _text: &str,
        _images: &[crate::media::Prepared],
        _link_card: bool,
    ) -> Result<bool, Problem> {
        Ok(false)
    }
    /// Posts `text` with what [`Keyless::attach`] uploaded; `Ok(None)`: the network answers
    /// that it already has this text.
    fn create(&mut self, text: &str, reply_to: Option<&str>) -> Result<Option<String>, Problem>;
    /// The id of a recent post of the account with this text, if it can tell.
    fn find(&mut self, text: &str) -> Result<Option<String>, Problem>;
    fn url(&self, id: &str) -> String;
    /// What to say when the network refuses the text as one it already has and no earlier
    /// attempt of Podium's may have made it (then the duplicate is someone else's doing, and
    /// the post is refused). `None`: look it up all the same (X).
    fn duplicate_refused(&self) -> Option<Reason> {
        None
    }
}

impl<K: Keyless> Channel for K {
    /// The uploads, before the part is committed `sending` (see [`Keyless::attach`]).
    fn prepare(
        &mut self,
        part: &Part,
        post: Post<'_>,
        _thread: Option<Thread<'_>>,
    ) -> Result<Option<String>, Problem> {
        if self.attach(&part.text, post.images, post.link_card)? {
            crate::publisher::checkpoint("after-upload");
        }
        Ok(None)
    }

    /// Found among the recent posts → out. Not found → `unknown`, the user decides. The lookup
    /// failing → try again later; the part stays `sending`.
    fn settle(&mut self, part: &Part, which: Which) -> Result<Settled, Problem> {
        Ok(match self.find(&part.text)? {
            Some(id) => Settled::Out(Out {
                url: self.url(&id),
                posted: Posted::Id(id),
                found: Some("settled by lookup: it had gone out"),
            }),
            None => Settled::Unknown(Reason::NotFound {
                network: self.network(),
                part: which.part,
                parts: which.parts,
            }),
        })
    }

    fn request<'a>(
        &'a mut self,
        part: &'a Part,
        _post: Post<'a>,
        thread: Option<Thread<'a>>,
    ) -> Request<'a> {
        let reply_to = thread.and_then(|t| t.parent_id());
        Box::new(move || match self.create(&part.text, reply_to)? {
            Some(id) => Ok(Out {
                url: self.url(&id),
                posted: Posted::Id(id),
                found: None,
            }),
            // "Already posted" when an earlier attempt may have made it: no answer yet; it
            // counts only when the post is found, exactly as an unclear outcome.
            None if part.may_be_out_already() => Err(Problem::Net(Failure::Unclear(format!(
                "{} answered that it already has this post",
                self.name()
            )))),
            // Otherwise a network that says so refuses identical posts (LinkedIn); X's duplicate
            // is looked up all the same.
            None => match self.duplicate_refused() {
                Some(why) => Err(Problem::Net(Failure::Status {
                    status: 422,
                    code: "duplicate".into(),
                    message: why.to_string(),
                    retry_after: None,
                    reason: Some(Box::new(why)),
                })),
                None => Err(Problem::Net(Failure::Unclear(format!(
                    "{} answered that it already has this post",
                    self.name()
                )))),
            },
        })
    }

    fn settle_failed(&mut self, part: &Part, which: Which, problem: Problem) -> Failed {
        if made_nothing(&problem) {
            return Failed::NotSent(problem);
        }
        if !matches!(problem, Problem::Net(_)) {
            return Failed::Unclear(problem);
        }
        match self.settle(part, which) {
            Ok(Settled::Out(out)) => Failed::Out(out),
            Ok(Settled::Unknown(why)) => Failed::Unknown(why),
            // Never answered by a lookup; were it, the part stays `sending`, as unclear.
            Ok(Settled::Send | Settled::SendAfresh) => Failed::Unclear(problem),
            Err(lookup) => Failed::Unclear(lookup),
        }
    }
}

/// Whether a failed request certainly made no post: it never left, or the server refused it
/// outright (a 4xx, a 200 that only carries errors, a sign-in it no longer accepts).
pub(crate) fn made_nothing(problem: &Problem) -> bool {
    match problem {
        Problem::Net(Failure::NotSent(_)) | Problem::Reconnect(_) => true,
        Problem::Net(Failure::Status { status, code, .. }) => {
            (400..500).contains(status) || code == "errors"
        }
        Problem::Net(Failure::Unclear(_) | Failure::TimedOut { .. }) | Problem::Keyring(_) => false,
    }
}
