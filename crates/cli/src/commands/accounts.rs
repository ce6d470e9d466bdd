//! `podium accounts …`: connect, list and remove accounts (their secrets go to the system
//! keyring, the same entries as the app's), set their time slots, pause their queues.

use std::io::{IsTerminal, Read, Write};

use anyhow::{bail, Context as _, Result};
use chrono::Utc;
use clap::Subcommand;
use podium_core::notice::AccountNotice;
use podium_core::schedule::{self, Slot};
use podium_publish::connect;
use podium_store::{Account, AccountChanges, Store};

use crate::context::{Context, Outcome};

#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Connect an account (its secret goes to the system keyring).
    #[command(subcommand)]
    Add(AddAccount),
    /// The connected accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disconnect an account: its keyring entry is deleted and its waiting posts leave the queue.
    Remove { account: String },
    /// Show an account's weekly time slots, or replace them: `podium accounts slots ID "tue 08:30" "thu 08:30"`.
    Slots {
        account: String,
        /// Slots as "DAY HH:MM" (local time in the account's zone).
        slots: Vec<String>,
        /// Set the account's IANA time zone too, e.g. Europe/Oslo.
        #[arg(long)]
        zone: Option<String>,
        /// Remove every slot.
        #[arg(long, conflicts_with = "slots")]
        clear: bool,
    },
    /// Pause an account's queue (nothing is sent until resumed).
    Pause { account: String },
    /// Resume a paused queue.
    Resume { account: String },
    /// Mastodon: who sees a post whose draft does not choose — public, unlisted or private
    /// (followers only).
    Visibility {
        account: String,
        #[arg(value_name = "public|unlisted|private")]
        visibility: podium_core::draft::Visibility,
    },
}

#[derive(Subcommand, Debug)]
pub enum AddAccount {
    /// A Bluesky account: the app password is read from stdin.
    Bluesky {
        /// Your handle (e.g. alice.bsky.social) or DID.
        #[arg(long)]
        handle: String,
        /// Your PDS or entryway.
        #[arg(long, default_value = "https://bsky.social", value_name = "URL")]
        service: String,
        /// The IANA time zone of its slots (default: this computer's).
        #[arg(long)]
        zone: Option<String>,
    },
    /// A Mastodon account: an access token from stdin, or else the browser sign-in.
    Mastodon {
        /// The instance, e.g. mastodon.social.
        #[arg(long, value_name = "URL")]
        instance: String,
        #[arg(long)]
        zone: Option<String>,
        /// Don't try to open a browser; print the address to open instead.
        #[arg(long)]
        no_browser: bool,
        /// Sign in anywhere and paste the code the instance shows (for locked-down machines).
        #[arg(long, conflicts_with = "no_browser")]
        paste_code: bool,
        /// Sign in through the browser even when stdin is not a terminal.
        #[arg(long, conflicts_with = "paste_code")]
        browser: bool,
    },
    /// An X account: OAuth 2.0 in the browser with your X app's Client ID, or (--oauth1) the
    /// four OAuth 1.0a keys on stdin, one per line: API key, API key secret, access token,
    /// access token secret.
    X {
        /// Your X app's OAuth 2.0 Client ID. Its callback URI must be http://127.0.0.1:PORT/callback.
        #[arg(long, required_unless_present = "oauth1")]
        client_id: Option<String>,
        #[arg(long, conflicts_with = "client_id")]
        oauth1: bool,
        #[arg(long, default_value_t = podium_publish::x::REDIRECT_PORT)]
        port: u16,
        /// The API's address (for tests against a local server).
        #[arg(long, default_value = podium_publish::x::API, value_name = "URL")]
        api: String,
        /// The sign-in page's address.
        #[arg(long, default_value = podium_publish::x::AUTHORIZE, value_name = "URL")]
        authorize: String,
        #[arg(long)]
        zone: Option<String>,
        #[arg(long)]
        no_browser: bool,
    },
    /// A LinkedIn account, with your LinkedIn app's Client ID; the Client Secret is read from
    /// stdin (it goes to the keyring). Its redirect URL must be http://127.0.0.1:PORT/callback.
    Linkedin {
        #[arg(long)]
        client_id: String,
        #[arg(long, default_value_t = podium_publish::linkedin::REDIRECT_PORT)]
        port: u16,
        #[arg(long, default_value = podium_publish::linkedin::API, value_name = "URL")]
        api: String,
        /// The OAuth endpoints' address (…/oauth/v2).
        #[arg(long, default_value = podium_publish::linkedin::AUTH, value_name = "URL")]
        auth: String,
        #[arg(long)]
        zone: Option<String>,
        #[arg(long)]
        no_browser: bool,
    },
    /// A Threads account: a long-lived access token from Meta's developer dashboard, on stdin
    /// (your app → Threads API → User token generator, with threads_basic and
    /// threads_content_publish). Podium renews it before its 60 days run out.
    Threads(ThreadsArgs),
}

/// The Threads variant of `podium accounts add` (kept apart so the enum above stays readable).
#[derive(clap::Args, Debug)]
pub struct ThreadsArgs {
    /// Threads' API address (for tests against a local server).
    #[arg(long, default_value = podium_publish::threads::API, value_name = "URL")]
    api: String,
    #[arg(long)]
    zone: Option<String>,
}

fn show_address(url: &str, opened: bool) {
    if opened {
        eprintln!("Sign in in the browser window that opened. If none did, open:\n\n  {url}\n");
    } else {
        eprintln!("Open this address in a browser on this computer and sign in:\n\n  {url}\n");
    }
}

/// An account by id, unique id prefix, or handle.
pub fn find_account(store: &Store, key: &str) -> Result<Account> {
    let key = key.trim();
    let accounts = store.accounts()?;
    let matches: Vec<&Account> = accounts
        .iter()
        .filter(|a| {
            a.id == key
                || a.handle.eq_ignore_ascii_case(key)
                || a.handle
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(key.trim_start_matches('@'))
        })
        .collect();
    let matches = if matches.is_empty() {
        accounts
            .iter()
            .filter(|a| key.len() >= 4 && a.id.starts_with(key))
            .collect()
    } else {
        matches
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no account {key:?}: see `podium accounts list`"),
        _ => bail!("{key:?} matches several accounts: give the whole id (`podium accounts list`)"),
    }
}

/// Reads a secret: typed at a terminal, it is asked for without echo (one line); from a pipe
/// or a file, it is all of stdin (scripts and tests pipe it in).
fn read_secret(what: &str) -> Result<String> {
    let s = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("{what}: "))
            .with_context(|| format!("cannot read the {what} from the terminal"))?
    } else {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .with_context(|| format!("cannot read the {what} from stdin"))?;
        s
    };
    let s = s.trim().to_owned();
    if s.is_empty() {
        bail!("no {what} on stdin");
    }
    Ok(s)
}

/// The four OAuth 1.0a keys: asked for one by one without echo at a terminal, else one per
/// line on stdin.
fn read_oauth1_keys() -> Result<[String; 4]> {
    const NAMES: [&str; 4] = [
        "API key",
        "API key secret",
        "access token",
        "access token secret",
    ];
    let keys: Vec<String> = if std::io::stdin().is_terminal() {
        NAMES
            .iter()
            .map(|name| read_secret(name))
            .collect::<Result<_>>()?
    } else {
        read_secret("four OAuth 1.0a keys, one per line")?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    keys.try_into().map_err(|_| {
        anyhow::anyhow!("give the four OAuth 1.0a keys on stdin, one per line: API key, API key secret, access token, access token secret")
    })
}

pub fn run(ctx: &mut Context, command: AccountsCommand) -> Result<Outcome> {
    let signs_in_or_out = matches!(
        command,
        AccountsCommand::Add(_) | AccountsCommand::Remove { .. }
    );
    let outcome = run_command(ctx, command)?;
    if signs_in_or_out {
        // The team's hub hears which sign-ins this device holds now (issue 12); offline, the
        // next sync tells it.
        if let Err(e) = podium_sync::report_signins(ctx.store()?) {
            eprintln!("podium: {e} (the team's hub hears of this sign-in at the next sync)");
        }
    }
    Ok(outcome)
}

fn run_command(ctx: &mut Context, command: AccountsCommand) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    match command {
        AccountsCommand::Add(AddAccount::Bluesky {
            handle,
            service,
            zone,
        }) => {
            check_zone(zone.as_deref())?;
            podium_publish::http::require_https(
                &podium_publish::bluesky::service_url(&service),
                "the Bluesky server",
            )?;
            let password = read_secret("app password")?;
            let store = ctx.store()?;
            let account = connect::bluesky(store, &service, &handle, &password, zone.as_deref())?;
            writeln!(out, "{}", account.id)?;
            eprintln!(
                "connected {} on {} (time zone {})",
                account.handle, account.service, account.zone
            );
        }
        AccountsCommand::Add(AddAccount::Mastodon {
            instance,
            zone,
            no_browser,
            paste_code,
            browser,
        }) => {
            check_zone(zone.as_deref())?;
            podium_publish::mastodon::instance_url(&instance)?;
            let store = ctx.store()?;
            let account = if paste_code {
                let (app, url, instance) = connect::mastodon_paste_begin(&instance)?;
                eprintln!("Open this address in any browser, sign in, and paste the code it shows:\n\n  {url}\n");
                let code = read_secret("code")?;
                connect::mastodon_paste_finish(store, &instance, &app, &code, zone.as_deref())?
            } else if !browser && !std::io::stdin().is_terminal() {
                let token = read_secret("access token")?;
                connect::mastodon_token(store, &instance, &token, zone.as_deref())?
            } else {
                connect::mastodon_browser(
                    store,
                    &instance,
                    zone.as_deref(),
                    !no_browser,
                    &mut show_address,
                )?
            };
            writeln!(out, "{}", account.id)?;
            eprintln!(
                "connected {} (posts up to {} characters; time zone {})",
                account.handle,
                account.max_chars.unwrap_or(500),
                account.zone
            );
        }
        AccountsCommand::Add(AddAccount::X {
            client_id,
            oauth1,
            port,
            api,
            authorize,
            zone,
            no_browser,
        }) => {
            check_zone(zone.as_deref())?;
            podium_publish::http::require_https(&api, "--api")?;
            if !oauth1 {
                podium_publish::http::require_https(&authorize, "--authorize")?;
            }
            let store = ctx.store()?;
            let account = if oauth1 {
                let [a, b, c, d] = read_oauth1_keys()?;
                connect::x_oauth1(store, &api, [&a, &b, &c, &d], zone.as_deref())?
            } else {
                let endpoints = podium_publish::x::Endpoints { api, authorize };
                connect::x_oauth2(
                    store,
                    &endpoints,
                    client_id.as_deref().unwrap_or_default(),
                    port,
                    zone.as_deref(),
                    !no_browser,
                    &mut show_address,
                )?
            };
            writeln!(out, "{}", account.id)?;
            eprintln!(
                "connected {} on X (time zone {})",
                account.handle, account.zone
            );
        }
        AccountsCommand::Add(AddAccount::Linkedin {
            client_id,
            port,
            api,
            auth,
            zone,
            no_browser,
        }) => {
            check_zone(zone.as_deref())?;
            podium_publish::http::require_https(&api, "--api")?;
            podium_publish::http::require_https(&auth, "--auth")?;
            let secret = read_secret("client secret")?;
            let store = ctx.store()?;
            let endpoints = podium_publish::linkedin::Endpoints { api, auth };
            let account = connect::linkedin(
                store,
                &endpoints,
                (&client_id, &secret),
                port,
                zone.as_deref(),
                !no_browser,
                &mut show_address,
            )?;
            writeln!(out, "{}", account.id)?;
            eprintln!(
                "connected {} on LinkedIn; the sign-in lasts until {} (Podium reminds you a week ahead)",
                account.handle,
                account
                    .token_expires_at
                    .map_or_else(|| "—".into(), |t| t.format("%-d %B %Y").to_string())
            );
        }
        AccountsCommand::Add(AddAccount::Threads(ThreadsArgs { api, zone })) => {
            check_zone(zone.as_deref())?;
            podium_publish::http::require_https(&api, "--api")?;
            let token = read_secret("access token")?;
            let store = ctx.store()?;
            let account = connect::threads_token(store, &api, &token, zone.as_deref())?;
            writeln!(out, "{}", account.id)?;
            eprintln!(
                "connected {} on Threads; the token lasts until {} (Podium renews it, and reminds you a week ahead if it cannot)",
                account.handle,
                account
                    .token_expires_at
                    .map_or_else(|| "—".into(), |t| t.format("%-d %B %Y").to_string())
            );
        }
        AccountsCommand::List { json } => {
            let store = ctx.store()?;
            let accounts = store.accounts()?;
            if json {
                serde_json::to_writer_pretty(&mut out, &accounts)?;
                writeln!(out)?;
            } else if accounts.is_empty() {
                writeln!(
                    out,
                    "No accounts yet: `podium accounts add bluesky|mastodon|x|linkedin|threads …`"
                )?;
            } else {
                for a in &accounts {
                    let slots: Vec<String> = a.slots.iter().map(Slot::to_string).collect();
                    writeln!(
                        out,
                        "{}  {:<9} {:<28} {}{}  slots: {} ({})",
                        a.id,
                        a.network.name(),
                        a.handle,
                        if a.connected_here {
                            a.status.to_string()
                        } else {
                            "connected on another device".to_owned()
                        },
                        if a.paused { ", paused" } else { "" },
                        if slots.is_empty() {
                            "none".into()
                        } else {
                            slots.join(", ")
                        },
                        a.zone
                    )?;
                    if !a.status_reason.is_empty() {
                        writeln!(out, "    {}", a.status_reason)?;
                    }
                    // A refused sign-in's reason is the line above.
                    match a.notice(Utc::now()) {
                        Some(AccountNotice::Reconnect { .. }) | None => {}
                        Some(notice) => writeln!(out, "    {notice}")?,
                    }
                }
            }
        }
        AccountsCommand::Remove { account } => {
            let store = ctx.store()?;
            let a = find_account(store, &account)?;
            let dropped = connect::disconnect(store, &a.id)?;
            eprintln!(
                "disconnected {}; {dropped} waiting post(s) left the queue (their drafts stay)",
                a.handle
            );
        }
        AccountsCommand::Slots {
            account,
            slots,
            zone,
            clear,
        } => {
            let store = ctx.store()?;
            let a = find_account(store, &account)?;
            let changes = AccountChanges {
                zone,
                slots: (clear || !slots.is_empty())
                    .then(|| schedule::parse_slots(&slots))
                    .transpose()?,
                paused: None,
                visibility: None,
            };
            let a = store.update_account(&a.id, &changes)?;
            for s in &a.slots {
                writeln!(out, "{s}")?;
            }
            eprintln!("{} slot(s) in {}", a.slots.len(), a.zone);
        }
        AccountsCommand::Pause { account } => {
            let store = ctx.store()?;
            let a = find_account(store, &account)?;
            let changes = AccountChanges {
                paused: Some(true),
                ..AccountChanges::default()
            };
            store.update_account(&a.id, &changes)?;
            eprintln!("{}'s queue is paused", a.handle);
        }
        AccountsCommand::Resume { account } => {
            let store = ctx.store()?;
            let a = find_account(store, &account)?;
            let changes = AccountChanges {
                paused: Some(false),
                ..AccountChanges::default()
            };
            store.update_account(&a.id, &changes)?;
            eprintln!("{}'s queue is running", a.handle);
        }
        AccountsCommand::Visibility {
            account,
            visibility,
        } => {
            let store = ctx.store()?;
            let a = find_account(store, &account)?;
            let changes = AccountChanges {
                visibility: Some(visibility),
                ..AccountChanges::default()
            };
            store.update_account(&a.id, &changes)?;
            eprintln!(
                "{}'s posts are {visibility} unless a draft says otherwise",
                a.handle
            );
        }
    }
    Ok(Outcome::AllValid)
}

fn check_zone(zone: Option<&str>) -> Result<()> {
    if let Some(z) = zone {
        schedule::zone(z)?;
    }
    Ok(())
}
