//! The byte stream under a signalling WebSocket: TCP, then TLS trusted one of two ways.
//!
//! - *Pinned*: the link carries the certificate's fingerprint (`fp=sha256:…`) and only that certificate is
//!   accepted. Palabre's own server always is (a laptop in a crisis room has no domain name), and so is a Janus
//!   with a self-signed certificate when its `janus+wss://` link carries `fp=`.
//! - *Authorities*: a Janus run by an organisation normally has a certificate for its name, signed by a
//!   certificate authority; its links then carry no fingerprint and the certificate is checked as a browser
//!   would. The authorities are the operating system's (`rustls-native-certs`), not a list built into Palabre:
//!   that is the store IT manages, so an organisation's own authority works, and it is kept up to date by the
//!   system. On Linux, `SSL_CERT_FILE` / `SSL_CERT_DIR` replace it, as for OpenSSL.

use std::time::Duration;

use palabre_core::link::host_port;
use palabre_core::Fingerprint;
use palabre_net::{authorities_client_config, is_pin_mismatch, pinned_client_config};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::error::CallError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which certificate the server must show.
pub enum Trust {
    Pinned(Fingerprint),
    Authorities,
}

/// A TCP connection to `host:port`, or [`CallError::Unreachable`].
pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, CallError> {
    let unreachable = |detail: String| CallError::Unreachable { address: host_port(host, port), detail };
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host, port)))
        .await
        .map_err(|_| unreachable("no answer".into()))?
        .map_err(|e| unreachable(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

/// TCP then TLS to `host:port`. A certificate other than the pinned one is [`CallError::WrongFingerprint`]; one
/// no trusted authority vouches for (or not for this name) is [`CallError::UntrustedCertificate`].
pub async fn connect_tls(host: &str, port: u16, trust: &Trust) -> Result<TlsStream<TcpStream>, CallError> {
    let address = host_port(host, port);
    let unreachable = |detail: String| CallError::Unreachable { address: address.clone(), detail };
    let (config, server_name) = match trust {
        Trust::Pinned(fingerprint) => {
            let config = pinned_client_config(*fingerprint).map_err(|e| unreachable(e.to_string()))?;
            // The name is not what we check (the fingerprint is), but TLS needs one; IP addresses are names too.
            let name = ServerName::try_from(host.to_string())
                .unwrap_or_else(|_| ServerName::try_from("palabre-server").expect("a valid DNS name"));
            (config, name)
        }
        Trust::Authorities => {
            let config = authorities_client_config(system_authorities().await).map_err(|e| unreachable(e.to_string()))?;
            let name = ServerName::try_from(host.to_string())
                .map_err(|_| unreachable(format!("{host:?} is not a name a certificate can be checked against")))?;
            (config, name)
        }
    };
    let tcp = connect_tcp(host, port).await?;
    TlsConnector::from(config).connect(server_name, tcp).await.map_err(|error| {
        match error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            Some(tls) if matches!(trust, Trust::Pinned(_)) && is_pin_mismatch(tls) => {
                CallError::WrongFingerprint { address: address.clone() }
            }
            Some(tls @ rustls::Error::InvalidCertificate(_)) if matches!(trust, Trust::Authorities) => {
                CallError::UntrustedCertificate { address: address.clone(), detail: tls.to_string() }
            }
            _ => unreachable(format!("secure connection failed: {error}")),
        }
    })
}

/// The certificate authorities the system trusts. Unreadable ones are logged and skipped: with none at all,
/// every certificate is untrusted, which the connection then says.
async fn system_authorities() -> rustls::RootCertStore {
    let loaded = tokio::task::spawn_blocking(rustls_native_certs::load_native_certs).await.unwrap_or_else(|error| {
        tracing::warn!(%error, "reading the system's certificate authorities failed");
        rustls_native_certs::CertificateResult::default()
    });
    for error in &loaded.errors {
        tracing::warn!(%error, "a certificate authority of the system could not be read");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    tracing::debug!(added, ignored, "the system's certificate authorities");
    roots
}

/// Either kind of stream, for a WebSocket that may or may not be over TLS.
pub trait ByteStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> ByteStream for T {}

/// Plain TCP for `janus+ws://`, TLS for `janus+wss://`.
pub async fn connect(host: &str, port: u16, tls: Option<&Trust>) -> Result<Box<dyn ByteStream>, CallError> {
    Ok(match tls {
        Some(trust) => Box::new(connect_tls(host, port, trust).await?),
        None => Box::new(connect_tcp(host, port).await?),
    })
}
