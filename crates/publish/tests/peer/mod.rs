//! A small HTTP server on a loopback address for the hardening tests: each test says how it
//! answers, and reads back which requests reached it. Real sockets, real HTTP/1.1.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn form(&self) -> HashMap<String, String> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

/// An answer: status, extra headers, body; `content_length: false` sends the body without a
/// `Content-Length` (delimited by closing the connection).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_length: bool,
}

impl Answer {
    pub fn json(status: u16, body: &serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            content_length: true,
        }
    }

    pub fn redirect(status: u16, location: &str) -> Answer {
        Answer {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
            content_length: true,
        }
    }
}

type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

pub struct Peer {
    /// `http://HOST:PORT`
    pub url: String,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl Peer {
    /// A server on `host` (e.g. 127.0.0.1, or 127.0.0.2 for "another host").
    pub fn start(host: &str, handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Peer {
        let listener = TcpListener::bind((host, 0)).unwrap();
        let url = format!("http://{host}:{}", listener.local_addr().unwrap().port());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Peer { url, seen }
    }

    /// The requests that reached this server.
    pub fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    log.lock().unwrap().push(request.clone());
    let answer = handler(&request);
    let mut head = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", answer.status);
    if answer.content_length {
        head.push_str(&format!("content-length: {}\r\n", answer.body.len()));
    }
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&answer.body);
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

/// Plays the browser after a sign-in address was shown: follows the authorize address's
/// `redirect_uri` with `code` and its `state`, as the network's page would.
pub fn redirect_back(authorize_url: &str, code: &str) {
    let url = url::Url::parse(authorize_url).unwrap();
    let get = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let target = format!("{}?code={code}&state={}", get("redirect_uri"), get("state"));
    podium_publish::http::install_tls();
    std::thread::spawn(move || {
        let _ = reqwest::blocking::get(target);
    });
}
