//! The one TLS stack: rustls with ring, made the process's provider by `http::client` (reqwest is
//! built without a provider of its own, and would panic when a client is built without one).

use std::io::Read;
use std::net::TcpListener;

#[test]
fn an_https_request_from_podiums_client_opens_with_a_tls_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut first = [0u8; 2];
        stream.read_exact(&mut first).unwrap();
        first
    });

    let answer = podium_publish::http::client()
        .get(format!("https://127.0.0.1:{port}/"))
        .send();

    // The listener speaks no TLS and hangs up; what matters is what arrived first.
    assert!(answer.is_err());
    let first = server.join().unwrap();
    assert_eq!(
        first,
        [0x16, 0x03],
        "a TLS handshake record (the ClientHello)"
    );
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}
