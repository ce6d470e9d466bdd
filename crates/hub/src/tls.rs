//! TLS for a hub that serves HTTPS itself (`--tls-cert/--tls-key`, rustls with ring), and the
//! certificate pin an invite code carries for a self-signed certificate.
//!
//! A hub behind a reverse proxy that terminates TLS needs none of this.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A certificate chain and its key, read from PEM files.
#[derive(Debug)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Identity {
    pub fn load(cert: &Path, key: &Path) -> Result<Identity> {
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| Error::Tls {
                what: "certificate",
                path: cert.to_owned(),
                why: e.to_string(),
            })?;
        if chain.is_empty() {
            return Err(Error::Tls {
                what: "certificate",
                path: cert.to_owned(),
                why: "the file holds no PEM certificate".into(),
            });
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| Error::Tls {
            what: "key",
            path: key.to_owned(),
            why: e.to_string(),
        })?;
        Ok(Identity { chain, key })
    }

    /// The pin an invite code carries: the SHA-256 of the leaf certificate, when it is
    /// self-signed. A certificate from a certificate authority is trusted through the system's
    /// roots instead (and pinning it would break at every renewal).
    pub fn pin(&self) -> Option<String> {
        let leaf = self.chain.first()?;
        is_self_signed(leaf).then(|| fingerprint(leaf))
    }

    pub fn server_config(&self, cert: &Path) -> Result<Arc<rustls::ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth()
                    .with_single_cert(self.chain.clone(), self.key.clone_key())
            })
            .map_err(|e| Error::Tls {
                what: "certificate and key",
                path: cert.to_owned(),
                why: e.to_string(),
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The SHA-256 of a certificate's DER, as 64 lowercase hex digits.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    crate::secret::hex(&Sha256::digest(cert.as_ref()))
}

/// Whether the certificate names itself as its issuer (issuer and subject are the same DER).
/// Anything that does not read as a certificate counts as not self-signed.
pub fn is_self_signed(cert: &CertificateDer<'_>) -> bool {
    issuer_and_subject(cert.as_ref()).is_some_and(|(issuer, subject)| issuer == subject)
}

/// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
/// signature, issuer, validity, subject, … }, … } — only as much DER as that takes.
fn issuer_and_subject(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (cert, _) = element(der, 0x30)?;
    let (mut tbs, _) = element(cert, 0x30)?;
    if tbs.first() == Some(&0xa0) {
        tbs = element(tbs, 0xa0)?.1;
    }
    let (_, rest) = element(tbs, 0x02)?; // serialNumber
    let (_, rest) = element(rest, 0x30)?; // signature
    let issuer_len = rest.len() - element(rest, 0x30)?.1.len();
    let issuer = &rest[..issuer_len];
    let (_, rest) = element(rest, 0x30)?; // issuer
    let (_, rest) = element(rest, 0x30)?; // validity
    let subject_len = rest.len() - element(rest, 0x30)?.1.len();
    Some((issuer, &rest[..subject_len]))
}

/// One DER element with `tag` at the start of `der`: (its contents, what follows it).
fn element(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = der.split_first()?;
    if first != tag {
        return None;
    }
    let (&len0, mut rest) = rest.split_first()?;
    let len = if len0 < 0x80 {
        usize::from(len0)
    } else {
        let n = usize::from(len0 & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (&rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_signed_certificate_is_pinned_and_one_a_ca_issued_is_not() {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
        let own = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(is_self_signed(own.cert.der()));

        let ca = (|| {
            let mut params = CertificateParams::new(Vec::<String>::new())?;
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params
                .distinguished_name
                .push(DnType::CommonName, "Test authority");
            let ca = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
            let mut leaf = CertificateParams::new(vec!["hub.example".to_owned()])?;
            leaf.distinguished_name
                .push(DnType::CommonName, "hub.example");
            let key = KeyPair::generate()?;
            Ok::<_, rcgen::Error>((ca.der().clone(), leaf.signed_by(&key, &ca)?))
        })()
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(is_self_signed(&ca.0), "the authority's own certificate");
        assert!(!is_self_signed(ca.1.der()));
        let identity = Identity {
            chain: vec![ca.1.der().clone(), ca.0],
            key: PrivateKeyDer::from(rustls_pki_types::PrivatePkcs8KeyDer::from(vec![])),
        };
        assert_eq!(identity.pin(), None);
    }

    #[test]
    fn truncated_or_foreign_bytes_are_not_a_self_signed_certificate() {
        assert!(!is_self_signed(&CertificateDer::from(vec![])));
        assert!(!is_self_signed(&CertificateDer::from(vec![
            0x30, 0x82, 0xff
        ])));
        assert!(!is_self_signed(&CertificateDer::from(b"hello".to_vec())));
    }
}
