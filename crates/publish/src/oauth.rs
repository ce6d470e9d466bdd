//! OAuth pieces shared by X and LinkedIn: the `oauth2` crate's requests sent through Podium's
//! HTTP client, and OAuth 1.0a request signing (HMAC-SHA1) for X's user tokens.

use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};

use crate::http::{self, Failure};

/// An error from the HTTP layer under the `oauth2` crate (Podium's own words: never a body).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// The longest lifetime Podium believes of a token (ten years): a server's `expires_in`
/// beyond it is taken as this, so no date arithmetic can overflow.
pub const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// When a token given `expires_in` seconds ago (`None`: the server did not say) expires:
/// `default` when absent, at most [`MAX_LIFETIME`] from now.
pub fn expires_at(expires_in: Option<Duration>, default: Duration) -> DateTime<Utc> {
    let lifetime = expires_in.unwrap_or(default).min(MAX_LIFETIME);
    Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or_default()
}

/// Sends an `oauth2` token request with Podium's client for secrets (rustls, timeouts,
/// User-Agent, no redirects, an answer of at most [`http::MAX_BODY`]). The answer's
/// `expires_in` is made one the `oauth2` crate can read whatever the server sent: a number
/// past ten years becomes ten years; a negative, fractional or textual one is dropped (as if
/// absent) rather than failing the sign-in.
pub fn send(request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
    let client = http::secret_client();
    let request: reqwest::blocking::Request = request
        .try_into()
        .map_err(|e: reqwest::Error| HttpError(format!("cannot build the request ({e})")))?;
    let response = client.execute(request).map_err(|e| {
        HttpError(if e.is_timeout() {
            format!(
                "it did not answer within {} s",
                http::request_timeout().as_secs()
            )
        } else if e.is_connect() {
            "it could not be reached".to_owned()
        } else {
            "the connection failed".to_owned()
        })
    })?;
    let status = response.status();
    let mut builder = oauth2::http::Response::builder().status(status.as_u16());
    for (name, value) in response.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    if status.is_redirection() {
        return Err(HttpError(format!(
            "it answered {} (a redirect), which Podium does not follow for a token request",
            status.as_u16()
        )));
    }
    let body = http::read_body(response, http::MAX_BODY).map_err(|f| {
        HttpError(match f {
            Failure::Unclear(why) => why,
            Failure::NotSent(place) => place.to_string(),
            Failure::TimedOut { secs } => format!("it did not answer within {secs} s"),
            Failure::Status { .. } => "its answer could not be read".to_owned(),
        })
    })?;
    let body = if status.is_success() {
        sane_expires_in(body)
    } else {
        body
    };
    builder
        .body(body)
        .map_err(|_| HttpError("its answer could not be read".to_owned()))
}

/// A token answer whose `expires_in` is a whole number of seconds within [`MAX_LIFETIME`], or
/// absent.
fn sane_expires_in(body: Vec<u8>) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return body;
    };
    let Some(obj) = v.as_object_mut() else {
        return body;
    };
    let Some(given) = obj.get("expires_in") else {
        return body;
    };
    let fixed = lifetime_of(given).map(|d| d.as_secs());
    match fixed {
        Some(n) => obj.insert("expires_in".into(), n.into()),
        None => obj.remove("expires_in"),
    };
    serde_json::to_vec(&v).unwrap_or(body)
}

/// A token answer's `expires_in` as a lifetime: a whole number of seconds (or one written as
/// text, or a fraction, rounded down), at most [`MAX_LIFETIME`]; `None` for a negative or
/// unreadable one, which counts as "the server did not say".
pub fn lifetime_of(expires_in: &serde_json::Value) -> Option<Duration> {
    let max = MAX_LIFETIME.as_secs();
    let secs = match expires_in {
        serde_json::Value::Number(n) => n.as_u64().map(|n| n.min(max)).or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                // `as` saturates; the value is at most `max` anyway.
                .map(|f| f.min(max as f64) as u64)
        }),
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok().map(|n| n.min(max)),
        _ => None,
    };
    secs.map(Duration::from_secs)
}

/// The status of the last answer a token request got, for [`token_error`].
#[derive(Debug, Default)]
pub struct LastStatus(std::sync::Mutex<Option<u16>>);

impl LastStatus {
    /// [`send`], remembering the answer's status.
    pub fn send(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
        let response = send(request)?;
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(response.status().as_u16());
        Ok(response)
    }

    fn get(&self) -> Option<u16> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A failed token request in words that never quote the server's answer: the `oauth2`
/// crate's errors carry the body (an `error_description`, or the whole answer when it could
/// not be parsed) and it can hold anything. Only the status and the OAuth `error` code
/// (when it looks like one) are said.
pub fn token_error(
    e: &oauth2::RequestTokenError<HttpError, oauth2::basic::BasicErrorResponse>,
    status: &LastStatus,
) -> String {
    let answered = status
        .get()
        .map_or_else(|| "it answered".to_owned(), |s| format!("it answered {s}"));
    match e {
        oauth2::RequestTokenError::ServerResponse(r) => match http::safe_code(r.error().as_ref()) {
            Some(code) => format!("{answered}, error {code}"),
            None => answered,
        },
        oauth2::RequestTokenError::Request(e) => e.to_string(),
        oauth2::RequestTokenError::Parse(..) => {
            format!("{answered} with something that is not the token answer Podium expects")
        }
        oauth2::RequestTokenError::Other(_) => {
            format!("{answered} in a way Podium did not expect")
        }
    }
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

redacted_debug!(OAuth1Keys<'_>);

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
    use chrono::Datelike;

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

    #[test]
    fn a_token_answers_lifetime_is_made_readable_and_at_most_ten_years() {
        let fixed = |v: serde_json::Value| -> serde_json::Value {
            let body = serde_json::json!({"access_token": "a", "expires_in": v});
            serde_json::from_slice(&sane_expires_in(body.to_string().into_bytes()))
                .unwrap_or_default()
        };
        let ten_years = MAX_LIFETIME.as_secs();
        assert_eq!(fixed(u64::MAX.into())["expires_in"], ten_years);
        assert_eq!(fixed(1e300.into())["expires_in"], ten_years);
        assert_eq!(fixed(7200.into())["expires_in"], 7200);
        assert_eq!(fixed("3600".into())["expires_in"], 3600);
        assert!(fixed((-5).into()).get("expires_in").is_none());
        assert!(fixed("soon".into()).get("expires_in").is_none());
        let at = expires_at(Some(Duration::from_secs(u64::MAX)), Duration::ZERO);
        assert!(at.year() >= Utc::now().year() + 9 && at.year() <= Utc::now().year() + 11);
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
