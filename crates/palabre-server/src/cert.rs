//! The server's TLS identity: a self-signed certificate made on first start and kept in the data dir, so that
//! links handed out yesterday (which pin its fingerprint) still work today.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct Identity {
    pub certificate: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read or write the server identity in {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot generate the server certificate: {0}")]
    Generate(#[from] rcgen::Error),
}

const CERT_FILE: &str = "certificate.der";
const KEY_FILE: &str = "private-key.der";

impl Identity {
    /// Loads the identity from `data_dir`, making and saving a new one the first time.
    pub fn load_or_create(data_dir: &Path) -> Result<Identity, IdentityError> {
        let cert_path = data_dir.join(CERT_FILE);
        let key_path = data_dir.join(KEY_FILE);
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| IdentityError::Io { path, source }
        };
        if cert_path.exists() && key_path.exists() {
            let certificate = fs::read(&cert_path).map_err(io_error(&cert_path))?;
            let key = fs::read(&key_path).map_err(io_error(&key_path))?;
            return Ok(Identity::from_der(certificate, key));
        }
        fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        // The name is not checked by clients (they pin the fingerprint); it only makes the certificate readable.
        let generated = rcgen::generate_simple_self_signed(vec!["palabre-server".to_string()])?;
        let certificate = generated.cert.der().to_vec();
        let key = generated.key_pair.serialize_der();
        write_private(&key_path, &key).map_err(io_error(&key_path))?;
        fs::write(&cert_path, &certificate).map_err(io_error(&cert_path))?;
        Ok(Identity::from_der(certificate, key))
    }

    fn from_der(certificate: Vec<u8>, key: Vec<u8>) -> Identity {
        Identity {
            certificate: CertificateDer::from(certificate),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        }
    }
}

/// Writes a secret readable by its owner only.
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    io::Write::write_all(&mut options.open(path)?, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("palabre-identity-{}", std::process::id()));
        let first = Identity::load_or_create(&dir).unwrap();
        let second = Identity::load_or_create(&dir).unwrap();
        assert_eq!(first.certificate, second.certificate);
        fs::remove_dir_all(dir).unwrap();
    }
}
