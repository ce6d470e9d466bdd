//! The loopback redirect of a desktop OAuth flow (RFC 8252 §7.3): a one-shot HTTP listener on
//! 127.0.0.1 and a port the OS picks, which receives the browser's redirect with the
//! authorization code, checks `state`, and tells the person they can go back to Podium.
//!
//! Anything on this computer can connect to it, so nothing that connects may hold it: a request
//! is at most [`MAX_REQUEST`] bytes and must arrive within [`CONNECTION_DEADLINE`], and the
//! whole wait ends at its deadline, checked on every pass of the loop (a client that trickles
//! bytes or keeps connecting cannot keep a sign-in open).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use podium_core::reason::Reason;

use crate::{Error, Result};

/// A listener waiting for one redirect.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Listens on 127.0.0.1 (never on other interfaces) on a free port.
    pub fn bind() -> Result<Loopback> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| Error::Io {
            action: "cannot listen for the sign-in redirect on",
            path: "127.0.0.1".into(),
            source: e,
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        listener.set_nonblocking(true).ok();
        Ok(Loopback { listener, port })
    }

    /// Listens on 127.0.0.1 on a fixed `port`: for networks that match the redirect URI
    /// exactly (X, LinkedIn), the person registers `http://127.0.0.1:PORT/callback` once.
    pub fn bind_port(port: u16) -> Result<Loopback> {
        if port == 0 {
            return Loopback::bind();
        }
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            Error::SignIn(Reason::CannotListen {
                port,
                detail: e.to_string(),
            })
        })?;
        listener.set_nonblocking(true).ok();
        Ok(Loopback { listener, port })
    }

    /// The address to register as the redirect URI.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the redirect carrying `state` and returns its `code`. The whole wait ends at
    /// `timeout`, whatever arrives meanwhile (the deadline is checked on every pass, not only
    /// when nothing is connecting); each connection has [`CONNECTION_DEADLINE`] to send a
    /// request of at most [`MAX_REQUEST`] bytes.
    pub fn wait_for_code(&self, state: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::SignIn(Reason::browser_silent(timeout.as_secs())));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    let until = (now + CONNECTION_DEADLINE).min(deadline);
                    if let Some(result) = handle(stream, state, until) {
                        return result;
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::Interrupted
                            | std::io::ErrorKind::ConnectionAborted
                    ) =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    return Err(Error::Io {
                        action: "the sign-in redirect failed on",
                        path: "127.0.0.1".into(),
                        source: e,
                    })
                }
            }
        }
    }
}

/// The most a request to the listener may be (request line and headers; a browser's redirect
/// is a few hundred bytes).
pub const MAX_REQUEST: usize = 8 * 1024;
/// How long one connection may take to send its request.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(5);

/// What reading a request gave.
enum Request {
    /// Its request line.
    Line(String),
    TooLarge,
    TooSlow,
    Gone,
}

/// Reads a request's head (up to the blank line) until `until`, at most [`MAX_REQUEST`] bytes.
fn read_request(stream: &mut TcpStream, until: Instant) -> Request {
    let mut head: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = find_end(&head) {
            let text = String::from_utf8_lossy(&head[..end]);
            return Request::Line(text.lines().next().unwrap_or_default().to_owned());
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Request::TooSlow;
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Request::Gone;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Request::Gone,
            Ok(n) => {
                head.extend_from_slice(&chunk[..n]);
                if head.len() > MAX_REQUEST {
                    return Request::TooLarge;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Request::TooSlow
            }
            Err(_) => return Request::Gone,
        }
    }
}

/// Where a request's head ends (its blank line), if it has arrived.
fn find_end(head: &[u8]) -> Option<usize> {
    head.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| head.windows(2).position(|w| w == b"\n\n"))
}

/// Answers one request; `Some` when it was the redirect (with a code or an error).
fn handle(mut stream: TcpStream, state: &str, until: Instant) -> Option<Result<String>> {
    stream.set_nonblocking(false).ok();
    stream.set_write_timeout(Some(Duration::from_secs(1))).ok();
    let line = match read_request(&mut stream, until) {
        Request::Line(line) => line,
        Request::TooLarge => {
            reply(
                &mut stream,
                "431 Request Header Fields Too Large",
                "This request is too large for Podium's sign-in.",
            );
            return None;
        }
        Request::TooSlow => {
            reply(&mut stream, "408 Request Timeout", "Too slow.");
            return None;
        }
        Request::Gone => return None,
    };
    let target = line.split_whitespace().nth(1)?;
    let url = url::Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    if url.path() != "/callback" {
        reply(&mut stream, "404 Not Found", "Not here.");
        return None;
    }
    let get = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
    };
    if get("state").as_deref() != Some(state) {
        reply(
            &mut stream,
            "400 Bad Request",
            "This sign-in link is not the one Podium started. Go back to Podium and connect again.",
        );
        return None;
    }
    if let Some(error) = get("error") {
        reply(
            &mut stream,
            "200 OK",
            "Podium was not given access. You can close this tab.",
        );
        let why = get("error_description").unwrap_or(error);
        return Some(Err(Error::SignIn(Reason::SignInNotCompleted {
            detail: why,
        })));
    }
    let code = get("code")?;
    reply(
        &mut stream,
        "200 OK",
        "Podium is connected. You can close this tab and go back to Podium.",
    );
    Some(Ok(code))
}

fn reply(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Podium</title>\
         <body style=\"font:16px system-ui;margin:3em\"><h1>Podium</h1><p>{text}</p>"
    );
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A random `state` value for one flow.
pub fn new_state() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Opens `url` in the system browser; `false` when none could be started (print it instead).
pub fn open_browser(url: &str) -> bool {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return false;
    }
    let child = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            // Waited for on a thread of its own, so it never lingers as a zombie.
            let _ = std::thread::Builder::new()
                .name("xdg-open".into())
                .spawn(move || child.wait());
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_gives_its_code_only_with_the_right_state() {
        let lb = Loopback::bind().unwrap();
        let uri = lb.redirect_uri();
        assert!(uri.starts_with("http://127.0.0.1:"));
        let port = lb.port;
        let browser = std::thread::spawn(move || {
            let get = |path: &str| {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                write!(s, "GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
                let mut out = String::new();
                std::io::Read::read_to_string(&mut s, &mut out).ok();
                out
            };
            assert!(get("/favicon.ico").contains("404"));
            assert!(get("/callback?code=evil&state=wrong").contains("400"));
            get("/callback?code=abc%20123&state=s1")
        });
        assert_eq!(
            lb.wait_for_code("s1", Duration::from_secs(10)).unwrap(),
            "abc 123"
        );
        assert!(browser.join().unwrap().contains("Podium is connected"));
    }
}
