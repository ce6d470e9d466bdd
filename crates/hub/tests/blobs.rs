//! Images as blobs (issue 13, item 4) as the real `podium-hub` serves them, on SQLite and on
//! PostgreSQL: a member uploads an image under its SHA-256 and another member's device fetches
//! the same bytes; a body that does not hash to its name, one over the cap, a name that is no
//! SHA-256 and a device of another team are refused with why, and nothing is kept.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use podium_core::sync::MAX_BLOB_BYTES;
use reqwest::Method;
use serde_json::Value;
use sha2::Digest as _;
use support::{invite, join, start_hub};

fn sha(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A made-up image's bytes (the hub never decodes them).
fn image(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|k| (k as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn message(r: reqwest::Response) -> String {
    let body: Value = r.json().await.unwrap_or(Value::Null);
    body["message"].as_str().unwrap_or_default().to_owned()
}

async fn blobs_are_kept_checked_and_served_to_the_team_only(
    db: Vec<String>,
    other_db: Vec<String>,
) {
    let args: Vec<&str> = db.iter().map(String::as_str).collect();
    let hub = start_hub(&args);
    let kari = join(
        &hub.url,
        &invite(&args, "Kari", "executive"),
        "Kari's laptop",
    )
    .await;
    let anne = join(
        &hub.url,
        &invite(&args, "Anne", "assistant"),
        "Anne's laptop",
    )
    .await;

    let photo = image(7, 300_000);
    let name = sha(&photo);
    let path = format!("/v1/blobs/{name}");

    // Absent at first: HEAD and GET say so.
    let r = anne.req(Method::HEAD, &path).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = anne.req(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(message(r).await.contains("has no image"));

    // Kari uploads it; again is fine (idempotent) and keeps one copy.
    let r = kari
        .req(Method::PUT, &path)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let r = kari
        .req(Method::PUT, &path)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a second upload of the same bytes is fine");

    // Anne's device fetches the same bytes.
    let r = anne.req(Method::HEAD, &path).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = anne.req(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let back = r.bytes().await.unwrap();
    assert_eq!(back.len(), photo.len());
    assert_eq!(sha(&back), name, "the same bytes come back");

    // Bytes that do not hash to the name: 400, why, nothing kept.
    let other = image(9, 1_000);
    let wrong = format!("/v1/blobs/{}", sha(&image(10, 1_000)));
    let r = kari
        .req(Method::PUT, &wrong)
        .body(other.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let why = message(r).await;
    assert!(
        why.contains(&sha(&other)) && why.contains("SHA-256"),
        "{why}"
    );
    let r = kari.req(Method::GET, &wrong).send().await.unwrap();
    assert_eq!(r.status(), 404, "a refused upload is not kept");

    // A name that is no SHA-256.
    let r = kari
        .req(Method::PUT, "/v1/blobs/photo.jpg")
        .body(other.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(message(r).await.contains("64"));

    // Over the cap: 413 with the cap in words; exactly the cap is taken.
    let huge = image(3, MAX_BLOB_BYTES as usize + 1);
    let r = kari
        .req(Method::PUT, &format!("/v1/blobs/{}", sha(&huge)))
        .body(huge.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(message(r).await.contains("20 MiB"));
    let largest = image(4, MAX_BLOB_BYTES as usize);
    let r = kari
        .req(Method::PUT, &format!("/v1/blobs/{}", sha(&largest)))
        .body(largest)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "exactly the cap is taken");

    // No token, or a token of another team's hub: 401 (a hub is one workspace).
    let r = support::request(
        &support::client(),
        Method::GET,
        &format!("{}{path}", hub.url),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 401);
    let other_args: Vec<&str> = other_db.iter().map(String::as_str).collect();
    let other_hub = start_hub(&other_args);
    let ola = join(
        &other_hub.url,
        &invite(&other_args, "Ola", "executive"),
        "Ola's laptop",
    )
    .await;
    let stranger = support::Device {
        url: hub.url.clone(),
        ..ola.clone()
    };
    let r = stranger.req(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 401, "another team's device is not served");
    let r = stranger
        .req(Method::PUT, &path)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // On its own hub, the other team does not have this team's image.
    let r = ola.req(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 404);

    // A stranger announcing 20 MB is turned away before the hub reads any of it (the answer
    // comes while the body has not been sent at all).
    let answer = raw_put(&hub.url, &path, "", "Content-Length: 20000000\r\n", &[]).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // A member's upload without a length (chunked) is cut off at the cap: 413, nothing kept.
    let chunk = vec![b'x'; 1024 * 1024];
    let chunks = vec![chunk.as_slice(); MAX_BLOB_BYTES as usize / chunk.len() + 1];
    let unnamed = format!("/v1/blobs/{}", "ab".repeat(32));
    let answer = raw_put(
        &hub.url,
        &unnamed,
        &kari.token,
        "Transfer-Encoding: chunked\r\n",
        &chunks,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let r = kari.req(Method::HEAD, &unnamed).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

/// A PUT written by hand on a socket: the headers, then `chunks` in chunked encoding (none:
/// no body sent at all). Answers the hub's status line and headers, read within 10 s.
async fn raw_put(url: &str, path: &str, token: &str, framing: &str, chunks: &[&[u8]]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {address}\r\n{auth}{}: 1\r\n{framing}\r\n",
        podium_core::sync::PROTOCOL_HEADER
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // The hub may answer and close while the body is still going: a failed write is expected.
    for chunk in chunks {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if socket.write_all(&framed).await.is_err() {
            break;
        }
    }
    if !chunks.is_empty() {
        let _ = socket.write_all(b"0\r\n\r\n").await;
    }
    let mut answer = vec![0_u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
        .await
        .expect("the hub answers without waiting for the body")
        .unwrap_or(0);
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[tokio::test]
async fn on_sqlite_blobs_are_kept_checked_and_served_to_the_team_only() {
    let dir = tempfile::tempdir().unwrap();
    blobs_are_kept_checked_and_served_to_the_team_only(
        support::sqlite_args(&dir.path().join("hub.db")),
        support::sqlite_args(&dir.path().join("other.db")),
    )
    .await;
}

#[tokio::test]
async fn on_postgres_blobs_are_kept_checked_and_served_to_the_team_only() {
    let url = support::fresh_postgres().await;
    let other = support::fresh_postgres().await;
    blobs_are_kept_checked_and_served_to_the_team_only(
        vec!["--postgres".into(), url],
        vec!["--postgres".into(), other],
    )
    .await;
}
