//! TLS for the signalling WebSocket, trusted by pinning rather than by certificate authorities (which remain
//! for a Janus server with a certificate for its name: `authorities_client_config`).
//!
//! A room server on a laptop in a crisis room has no domain name and no CA-signed certificate. It makes a
//! self-signed one, and the room link carries its SHA-256 fingerprint (`fp=sha256:…`). The client accepts exactly
//! that certificate and nothing else — not even a CA-valid one — and still checks the handshake signature, so
//! whoever answers must hold the certificate's private key.

use std::sync::Arc;

use palabre_core::Fingerprint;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// The fingerprint a link carries for this DER certificate.
pub fn fingerprint_of(certificate_der: &[u8]) -> Fingerprint {
    Fingerprint(Sha256::digest(certificate_der).into())
}

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("TLS configuration failed: {0}")]
    Tls(#[from] rustls::Error),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Server side: present this certificate.
pub fn server_config(
    certificate: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, PinError> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)?;
    Ok(Arc::new(config))
}

/// Client side, for a server with a certificate for its name (a Janus run by an organisation): accept what one
/// of these authorities vouches for, as a browser would. Palabre's own server is always pinned instead.
pub fn authorities_client_config(roots: rustls::RootCertStore) -> Result<Arc<rustls::ClientConfig>, PinError> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Client side: accept only the certificate whose fingerprint is `expected`.
pub fn pinned_client_config(expected: Fingerprint) -> Result<Arc<rustls::ClientConfig>, PinError> {
    let provider = provider();
    let verifier = PinnedCertificate { expected, algorithms: provider.signature_verification_algorithms };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous() // Not dangerous here: pinning is stricter than CA validation.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct PinnedCertificate {
    expected: Fingerprint,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if fingerprint_of(end_entity) == self.expected {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// True when a TLS failure means "this is not the server the link names", as opposed to a network failure.
pub fn is_pin_mismatch(error: &rustls::Error) -> bool {
    matches!(error, rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
}
