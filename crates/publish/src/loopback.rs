//! The loopback redirect of a desktop OAuth flow (RFC 8252 §7.3): a one-shot HTTP listener on
//! 127.0.0.1 and a port the OS picks, which receives the browser's redirect with the
//! authorization code, checks `state`, and tells the person they can go back to Podium.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

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
            Error::SignIn(format!(
                "cannot listen for the sign-in on 127.0.0.1:{port} ({e}): is another sign-in \
                 running? Close it, or use another port (and register that one in your app)"
            ))
        })?;
        listener.set_nonblocking(true).ok();
        Ok(Loopback { listener, port })
    }

    /// The address to register as the redirect URI.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the redirect carrying `state` and returns its `code`.
    pub fn wait_for_code(&self, state: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(result) = handle(stream, state) {
                        return result;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() > deadline {
                        return Err(Error::SignIn(format!(
                            "no answer from the browser within {} minutes: start connecting again",
                            timeout.as_secs() / 60
                        )));
                    }
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

/// Answers one request; `Some` when it was the redirect (with a code or an error).
fn handle(mut stream: TcpStream, state: &str) -> Option<Result<String>> {
    stream.set_nonblocking(false).ok();
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
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
        return Some(Err(Error::SignIn(format!(
            "the sign-in was not completed: {why}"
        ))));
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
    std::process::Command::new("xdg-open")
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
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
