//! OAuth pieces shared by X and LinkedIn: the `oauth2` crate's requests sent through Podium's
//! HTTP client, and OAuth 1.0a request signing (HMAC-SHA1) for X's user tokens.

use base64::Engine;
use hmac::{Hmac, Mac};

/// An error from the HTTP layer under the `oauth2` crate.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// Sends an `oauth2` request with Podium's client (rustls, timeouts, User-Agent).
pub fn send(request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
    let client = crate::http::client();
    let request: reqwest::blocking::Request = request
        .try_into()
        .map_err(|e: reqwest::Error| HttpError(e.to_string()))?;
    let response = client
        .execute(request)
        .map_err(|e| HttpError(e.to_string()))?;
    let mut builder = oauth2::http::Response::builder().status(response.status().as_u16());
    for (name, value) in response.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let body = response.bytes().map_err(|e| HttpError(e.to_string()))?;
    builder
        .body(body.to_vec())
        .map_err(|e| HttpError(e.to_string()))
}

/// RFC 3986 percent-encoding as OAuth 1.0a wants it (unreserved characters stay).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The keys of an OAuth 1.0a user token.
#[derive(Clone)]
pub struct OAuth1Keys<'a> {
    pub consumer_key: &'a str,
    pub consumer_secret: &'a str,
    pub token: &'a str,
    pub token_secret: &'a str,
}

impl std::fmt::Debug for OAuth1Keys<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth1Keys")
            .field("consumer_key", &self.consumer_key)
            .finish_non_exhaustive()
    }
}

/// The HMAC-SHA1 signature of a request (X's "Creating a signature"): `params` are the query
/// and form parameters (a JSON body is not signed); the oauth_* parameters are added here.
pub fn oauth1_signature(
    method: &str,
    url: &str,
    params: &[(&str, &str)],
    keys: &OAuth1Keys<'_>,
    nonce: &str,
    timestamp: &str,
) -> String {
    let mut all: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    for (k, v) in oauth_params(keys, nonce, timestamp) {
        all.push((percent_encode(k), percent_encode(&v)));
    }
    all.sort();
    let parameter_string = all
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let base = format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(url),
        percent_encode(&parameter_string)
    );
    let key = format!(
        "{}&{}",
        percent_encode(keys.consumer_secret),
        percent_encode(keys.token_secret)
    );
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) else {
        return String::new(); // HMAC takes keys of any length; unreachable
    };
    mac.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn oauth_params<'a>(
    keys: &OAuth1Keys<'a>,
    nonce: &'a str,
    timestamp: &'a str,
) -> Vec<(&'a str, String)> {
    vec![
        ("oauth_consumer_key", keys.consumer_key.to_owned()),
        ("oauth_nonce", nonce.to_owned()),
        ("oauth_signature_method", "HMAC-SHA1".to_owned()),
        ("oauth_timestamp", timestamp.to_owned()),
        ("oauth_token", keys.token.to_owned()),
        ("oauth_version", "1.0".to_owned()),
    ]
}

/// The `Authorization: OAuth …` header for a request, with a fresh nonce and timestamp.
pub fn oauth1_header(
    method: &str,
    url: &str,
    params: &[(&str, &str)],
    keys: &OAuth1Keys<'_>,
) -> String {
    let nonce = format!("{:032x}", rand::random::<u128>());
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = oauth1_signature(method, url, params, keys, &nonce, &timestamp);
    let mut fields = oauth_params(keys, &nonce, &timestamp);
    fields.push(("oauth_signature", signature));
    let fields: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("{}=\"{}\"", percent_encode(k), percent_encode(&v)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X's published example (docs.x.com → Authentication → OAuth 1.0a → Creating a signature).
    #[test]
    fn the_signature_matches_xs_published_example() {
        let keys = OAuth1Keys {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog",
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            token_secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        };
        let signature = oauth1_signature(
            "POST",
            "https://api.twitter.com/1.1/statuses/update.json",
            &[
                (
                    "status",
                    "Hello Ladies + Gentlemen, a signed OAuth request!",
                ),
                ("include_entities", "true"),
            ],
            &keys,
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            "1318622958",
        );
        assert_eq!(signature, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
        assert_eq!(
            percent_encode("Ladies + Gentlemen, ☃!"),
            "Ladies%20%2B%20Gentlemen%2C%20%E2%98%83%21"
        );
        let header = oauth1_header("POST", "https://api.x.com/2/tweets", &[], &keys);
        assert!(header.starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\""));
        assert!(header.contains("oauth_signature=\""));
        assert!(
            !header.contains("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"),
            "secrets are never sent"
        );
    }

    /// RFC 7636 Appendix B: the S256 challenge of the example verifier.
    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        let verifier =
            oauth2::PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        let challenge = oauth2::PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        assert_eq!(
            challenge.as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(challenge.method().as_str(), "S256");
    }
}
