//! The security review's HTTP, OAuth and token findings (issue 15, items 3–5), each pinned
//! against a real server on a loopback address: answers too large to read, redirects that
//! would carry a secret elsewhere, token endpoints whose words must not reach an error,
//! lifetimes that would overflow a date, PKCE for Mastodon, and a sign-in listener that a
//! large or slow request cannot hold.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod peer;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use peer::{Answer, Peer};
use podium_publish::loopback::Loopback;
use podium_publish::{linkedin, mastodon, x};
use serde_json::json;

/// A string that looks like a secret, for the bodies that must not be quoted.
const LOOKS_SECRET: &str = "sk-live-0123456789abcdef";

fn two_mib_instance(content_length: bool) -> Peer {
    Peer::start("127.0.0.1", move |_| {
        let pad = "x".repeat(2 * 1024 * 1024);
        let body = json!({"configuration": {"statuses": {"max_characters": 1000}}, "pad": pad});
        Answer {
            content_length,
            ..Answer::json(200, &body)
        }
    })
}

#[test]
fn an_answer_over_one_mib_is_refused_whether_or_not_it_says_its_length() {
    for content_length in [true, false] {
        let server = two_mib_instance(content_length);
        let e = mastodon::max_characters(&server.url)
            .expect_err("a 2 MiB answer is not read")
            .to_string();
        assert!(e.contains("larger than 1 MiB"), "{e}");
    }
}

/// An instance that registers apps and hands the token request on to `to` with a 307 (which
/// keeps the method and the body: the client secret and the code would go along).
fn instance_redirecting_tokens_to(to: String) -> Peer {
    Peer::start("127.0.0.1", move |r| match r.path.as_str() {
        "/api/v1/apps" => Answer::json(
            200,
            &json!({"client_id": "cid", "client_secret": "client-secret-123"}),
        ),
        "/oauth/token" => Answer::redirect(307, &format!("{to}/oauth/token")),
        "/api/v2/instance" => Answer::redirect(302, &format!("{to}/api/v2/instance")),
        _ => Answer::json(404, &json!({"error": "Record not found"})),
    })
}

#[test]
fn a_token_request_redirected_to_another_host_is_not_followed() {
    let elsewhere = Peer::start("127.0.0.2", |_| {
        Answer::json(
            200,
            &json!({"access_token": "stolen", "token_type": "Bearer"}),
        )
    });
    let instance = instance_redirecting_tokens_to(elsewhere.url.clone());
    let app = mastodon::register_app(&instance.url, mastodon::OUT_OF_BAND).unwrap();
    let e = mastodon::exchange_code(&instance.url, &app, "the-code")
        .expect_err("a redirected token request fails")
        .to_string();
    assert!(e.contains("307") && e.contains("redirect"), "{e}");
    assert!(!e.contains("the-code"), "{e}");
    // Nor does a request without secrets go to another host.
    assert!(mastodon::max_characters(&instance.url).is_err());
    assert!(
        elsewhere.seen().is_empty(),
        "nothing reached the other host: {:?}",
        elsewhere.seen()
    );
}

/// An X that answers the token request with `token` (status, body) and knows the user.
fn x_server(token: (u16, serde_json::Value)) -> Peer {
    Peer::start("127.0.0.1", move |r| match r.path.as_str() {
        "/2/oauth2/token" => Answer::json(token.0, &token.1),
        "/2/users/me" => Answer::json(
            200,
            &json!({"data": {"id": "42", "username": "leader", "name": "A Leader"}}),
        ),
        _ => Answer::json(404, &json!({})),
    })
}

fn x_sign_in(server: &Peer) -> podium_publish::Result<(x::Me, x::Secret)> {
    let endpoints = x::Endpoints {
        api: server.url.clone(),
        authorize: format!("{}/i/oauth2/authorize", server.url),
    };
    x::oauth2_sign_in(&endpoints, "client-1", 0, &mut |url| {
        peer::redirect_back(url, "code-1");
    })
}

#[test]
fn a_token_endpoints_own_words_never_reach_an_error() {
    let server = x_server((
        400,
        json!({"error": "invalid_grant", "error_description": format!("token {LOOKS_SECRET} was revoked")}),
    ));
    let e = x_sign_in(&server).expect_err("refused").to_string();
    assert!(!e.contains(LOOKS_SECRET), "{e}");
    assert!(e.contains("400") && e.contains("invalid_grant"), "{e}");

    let linkedin = Peer::start("127.0.0.1", |r| match r.path.as_str() {
        "/oauth/v2/accessToken" => Answer::json(
            401,
            &json!({"error": "invalid_client", "error_description": format!("client secret {LOOKS_SECRET} is wrong")}),
        ),
        _ => Answer::json(404, &json!({})),
    });
    let e = linkedin_sign_in(&linkedin)
        .expect_err("refused")
        .to_string();
    assert!(!e.contains(LOOKS_SECRET), "{e}");
    assert!(e.contains("401") && e.contains("invalid_client"), "{e}");

    let instance = Peer::start("127.0.0.1", |r| match r.path.as_str() {
        "/api/v1/apps" => Answer::json(200, &json!({"client_id": "c", "client_secret": "s"})),
        "/oauth/token" => Answer {
            content_length: true,
            headers: vec![("content-type".into(), "text/html".into())],
            body: format!("<html>debug: access_token={LOOKS_SECRET}</html>").into_bytes(),
            status: 500,
        },
        _ => Answer::json(404, &json!({})),
    });
    let app = mastodon::register_app(&instance.url, mastodon::OUT_OF_BAND).unwrap();
    let e = mastodon::exchange_code(&instance.url, &app, "c")
        .expect_err("refused")
        .to_string();
    assert!(!e.contains(LOOKS_SECRET), "{e}");
    assert!(e.contains("500"), "{e}");
}

fn linkedin_sign_in(server: &Peer) -> podium_publish::Result<(linkedin::Me, linkedin::Secret)> {
    let endpoints = linkedin::Endpoints {
        api: server.url.clone(),
        auth: format!("{}/oauth/v2", server.url),
    };
    linkedin::sign_in(&endpoints, "li-client", "li-secret", 0, &mut |url| {
        peer::redirect_back(url, "code-1");
    })
}

fn years_from_now(at: chrono::DateTime<Utc>) -> f64 {
    (at - Utc::now()).num_seconds() as f64 / (365.0 * 24.0 * 3600.0)
}

#[test]
fn a_huge_or_negative_expires_in_is_clamped_not_a_panic() {
    for expires_in in [json!(u64::MAX), json!(1_000_000_000_000_000_u64)] {
        let server = x_server((
            200,
            json!({"access_token": "a", "refresh_token": "r", "token_type": "bearer", "expires_in": expires_in}),
        ));
        let (_, secret) = x_sign_in(&server).unwrap();
        let x::Secret::OAuth2 { expires_at, .. } = secret else {
            panic!("an OAuth 2.0 secret")
        };
        let years = years_from_now(expires_at);
        assert!((9.9..=10.1).contains(&years), "{expires_in}: {years} years");
    }
    let server = x_server((
        200,
        json!({"access_token": "a", "refresh_token": "r", "token_type": "bearer", "expires_in": -5}),
    ));
    let (_, secret) = x_sign_in(&server).expect("a negative lifetime counts as not given");
    let x::Secret::OAuth2 { expires_at, .. } = secret else {
        panic!("an OAuth 2.0 secret")
    };
    let hours = (expires_at - Utc::now()).num_minutes() as f64 / 60.0;
    assert!(
        (1.9..=2.0).contains(&hours),
        "X's default two hours: {hours}"
    );

    for (expires_in, days) in [(json!(u64::MAX), 3650), (json!(-1), 60), (json!(null), 60)] {
        let server = Peer::start("127.0.0.1", move |r| match r.path.as_str() {
            "/oauth/v2/accessToken" => Answer::json(
                200,
                &json!({"access_token": "li-token", "expires_in": expires_in}),
            ),
            "/v2/userinfo" => Answer::json(200, &json!({"sub": "abc", "name": "A Leader"})),
            _ => Answer::json(404, &json!({})),
        });
        let (_, secret) = linkedin_sign_in(&server).unwrap();
        let got = (secret.expires_at - Utc::now()).num_hours() as f64 / 24.0;
        assert!((got - f64::from(days)).abs() < 1.5, "{days} days: {got}");
    }
}

/// An instance whose OAuth metadata lists S256 when `pkce` (Mastodon 4.3+; mastodon-mock
/// 0.6.1 does too), and none otherwise (an older Mastodon answers 404).
fn instance(pkce: bool) -> Peer {
    Peer::start("127.0.0.1", move |r| match r.path.as_str() {
        "/.well-known/oauth-authorization-server" if pkce => Answer::json(
            200,
            &json!({"issuer": "x", "code_challenge_methods_supported": ["S256"]}),
        ),
        "/api/v1/apps" => Answer::json(200, &json!({"client_id": "c", "client_secret": "s"})),
        "/oauth/token" => Answer::json(200, &json!({"access_token": "t", "token_type": "Bearer"})),
        _ => Answer::json(404, &json!({"error": "Record not found"})),
    })
}

#[test]
fn mastodon_sign_in_uses_pkce_where_the_instance_supports_it() {
    let server = instance(true);
    let app = mastodon::register_app(&server.url, mastodon::OUT_OF_BAND).unwrap();
    let url = url::Url::parse(&mastodon::authorize_url(&server.url, &app, "st")).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    let challenge = q.get("code_challenge").expect("a challenge").clone();
    mastodon::exchange_code(&server.url, &app, "code").unwrap();
    let token = server
        .seen()
        .into_iter()
        .find(|r| r.path == "/oauth/token")
        .unwrap();
    let verifier = token
        .form()
        .get("code_verifier")
        .expect("the verifier")
        .clone();
    let expected = oauth2::PkceCodeChallenge::from_code_verifier_sha256(
        &oauth2::PkceCodeVerifier::new(verifier),
    );
    assert_eq!(expected.as_str(), challenge);

    let older = instance(false);
    let app = mastodon::register_app(&older.url, mastodon::OUT_OF_BAND).unwrap();
    let url = mastodon::authorize_url(&older.url, &app, "st");
    assert!(!url.contains("code_challenge"), "{url}");
    mastodon::exchange_code(&older.url, &app, "code").unwrap();
    let token = older
        .seen()
        .into_iter()
        .find(|r| r.path == "/oauth/token")
        .unwrap();
    assert!(!token.form().contains_key("code_verifier"));
}

fn port_of(listener: &Loopback) -> u16 {
    url::Url::parse(&listener.redirect_uri())
        .unwrap()
        .port()
        .unwrap()
}

/// Runs `wait_for_code` on a thread; `None` if it has not returned within `limit`.
fn wait(
    listener: Loopback,
    timeout: Duration,
    limit: Duration,
) -> Option<podium_publish::Result<String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(listener.wait_for_code("s1", timeout));
    });
    rx.recv_timeout(limit).ok()
}

#[test]
fn a_request_over_8_kib_to_the_sign_in_listener_is_refused() {
    let listener = Loopback::bind().unwrap();
    let port = port_of(&listener);
    let browser = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let pad = "p".repeat(9 * 1024);
        let _ = write!(
            s,
            "GET /callback?code=big&state=s1&pad={pad} HTTP/1.1\r\nhost: x\r\n\r\n"
        );
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        // Then the real redirect.
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /callback?code=good&state=s1 HTTP/1.1\r\nhost: x\r\n\r\n"
        )
        .unwrap();
        let mut ok = String::new();
        let _ = s.read_to_string(&mut ok);
        answer
    });
    let code = wait(listener, Duration::from_secs(20), Duration::from_secs(25))
        .expect("the listener answers")
        .unwrap();
    assert_eq!(code, "good", "the 9 KiB request gave no code");
    let answer = browser.join().unwrap();
    assert!(answer.is_empty() || answer.contains("431"), "{answer}");
}

#[test]
fn a_client_trickling_bytes_cannot_keep_the_sign_in_alive() {
    let listener = Loopback::bind().unwrap();
    let port = port_of(&listener);
    std::thread::spawn(move || {
        // One byte every 100 ms, never finishing its request; and a new connection each
        // time one is dropped.
        for _ in 0..200 {
            let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            for b in b"GET /callback?code=slow&state=s1".iter().cycle() {
                if s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    });
    let started = Instant::now();
    let result = wait(listener, Duration::from_secs(2), Duration::from_secs(15))
        .expect("the sign-in ends at its deadline, trickle or not");
    let e = result.expect_err("no code").to_string();
    assert!(e.contains("no answer from the browser"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn many_connections_cannot_keep_the_sign_in_alive() {
    let listener = Loopback::bind().unwrap();
    let port = port_of(&listener);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopping = stop.clone();
    std::thread::spawn(move || {
        while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
            for _ in 0..8 {
                if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                    let _ = write!(s, "GET /favicon.ico HTTP/1.1\r\n\r\n");
                }
            }
        }
    });
    let started = Instant::now();
    let result = wait(listener, Duration::from_secs(2), Duration::from_secs(15));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(result.expect("it ends").is_err());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_bluesky_session_prints_none_of_its_tokens() {
    let session: podium_publish::bluesky::Session = serde_json::from_value(json!({
        "did": "did:plc:abc",
        "handle": "leader.bsky.social",
        "accessJwt": LOOKS_SECRET,
        "refreshJwt": LOOKS_SECRET,
    }))
    .unwrap();
    let printed = format!("{session:?}");
    assert!(!printed.contains(LOOKS_SECRET), "{printed}");
}
