//! A page on this computer with OpenGraph tags and a preview image, as a link card's source:
//! shared by the window's and the CLI's tests (`#[path]`-included by the CLI's).

use std::io::{Read, Write};

/// The article's title and description, as its tags say them.
pub const TITLE: &str = "Hva et styre gjør";
pub const DESCRIPTION: &str = "Fem ting ethvert styremedlem bør vite.";

/// Serves the article (and its 1200×630 PNG at /bilde.png) on 127.0.0.1 until the test ends;
/// answers its address.
pub fn serve_article() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    let png = podium_media::sample::screenshot_png(1200, 630).expect("a PNG");
    let page = format!(
        r#"<!doctype html><html><head><title>Ikke denne</title>
        <meta property="og:title" content="{TITLE}">
        <meta property="og:description" content="{DESCRIPTION}">
        <meta property="og:image" content="/bilde.png">
        </head><body>Artikkel</body></html>"#
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let n = stream.read(&mut request).unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]).to_string();
            let (kind, body): (&str, &[u8]) = if head.starts_with("GET /bilde.png") {
                ("image/png", &png)
            } else {
                ("text/html; charset=utf-8", page.as_bytes())
            };
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            let _ = stream.write_all(body);
        }
    });
    format!("http://127.0.0.1:{port}/artikler/styret")
}
