//! TLS for the QUIC transport (rustls with the ring provider, TLS 1.3 only, ALPN
//! [`ALPN`]): the server's certificate (configured PEM files, or a self-signed one generated
//! once and kept), the optional client-certificate verifier, the client's pinned trust, and the
//! common name of a peer's certificate.
//!
//! 0-RTT is refused: the server's `max_early_data_size` is 0, so its session tickets never
//! allow early data and a client's `into_0rtt` fails.

use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The ALPN protocol id of schema version 1.
pub const ALPN: &[u8] = b"tradestream/1";

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A PEM file holds no usable certificate or key.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// rustls refused the certificates or key.
    #[error("tls: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client-certificate verifier could not be built.
    #[error("client ca: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    /// The self-signed certificate could not be generated.
    #[error("certificate generation: {0}")]
    Generate(#[from] rcgen::Error),
    /// The provider lacks QUIC's initial cipher suite (cannot happen with ring).
    #[error("quic: {0}")]
    Quic(#[from] quinn::crypto::rustls::NoInitialCipherSuite),
}

/// A certificate chain and its private key.
#[derive(Debug)]
pub struct Identity {
    /// The chain, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: PrivateKeyDer<'static>,
}

impl Identity {
    /// The chain in `cert` and the key in `key` (PEM files).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Identity, TlsError> {
        let chain = certs_from_pem_file(cert)?;
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Pem {
            path: key.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Identity { chain, key })
    }
}

/// How a client decides to trust the server.
#[derive(Debug, Clone)]
pub enum Trust {
    /// Only these certificates (the server's own self-signed certificate, or a CA) are trust
    /// anchors: typically `data_dir/quic/cert.pem`.
    Pinned(Vec<CertificateDer<'static>>),
}

impl Trust {
    /// Pins the certificates of a PEM file.
    pub fn pinned_pem_file(path: &Path) -> Result<Trust, TlsError> {
        Ok(Trust::Pinned(certs_from_pem_file(path)?))
    }
}

/// Every certificate of a PEM file (at least one).
pub fn certs_from_pem_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = |reason: String| TlsError::Pem {
        path: path.to_path_buf(),
        reason,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| pem(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| pem(e.to_string()))?;
    if certs.is_empty() {
        return Err(pem("no certificate".into()));
    }
    Ok(certs)
}

/// The server identity kept in `dir` (`cert.pem`, `key.pem`), generated self-signed for
/// `localhost` and `127.0.0.1` the first time. Returns it with the certificate's path.
pub fn self_signed(dir: &Path) -> Result<(Identity, PathBuf), TlsError> {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    if !cert.exists() || !key.exists() {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| TlsError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let made = rcgen::generate_simple_self_signed(vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
        ])?;
        std::fs::write(&key, made.signing_key.serialize_pem()).map_err(io(&key))?;
        std::fs::write(&cert, made.cert.pem()).map_err(io(&cert))?;
    }
    Ok((Identity::from_pem_files(&cert, &key)?, cert))
}

#[allow(deprecated)] // rustls 0.23.48 deprecates ring's provider (no post-quantum kx); see FIX.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The transport limits shared by both ends: one bidirectional stream, datagrams, 30 s idle
/// timeout.
fn transport(server: bool) -> Arc<quinn::TransportConfig> {
    let mut t = quinn::TransportConfig::default();
    t.max_concurrent_uni_streams(0u8.into());
    t.max_concurrent_bidi_streams(if server { 1u8 } else { 0u8 }.into());
    t.max_idle_timeout(Some(
        Duration::from_secs(30)
            .try_into()
            .expect("30 s is a valid idle timeout"),
    ));
    t.keep_alive_interval(Some(Duration::from_secs(5)));
    t.datagram_receive_buffer_size(Some(1 << 20));
    t.datagram_send_buffer_size(1 << 20);
    Arc::new(t)
}

/// The server's quinn config: `identity`, TLS 1.3, ALPN [`ALPN`], no 0-RTT, and when
/// `client_ca` is given, optional client certificates verified against it.
pub fn server_config(
    identity: Identity,
    client_ca: Option<&[CertificateDer<'static>]>,
) -> Result<quinn::ServerConfig, TlsError> {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(cas) => {
            let mut roots = RootCertStore::empty();
            for ca in cas {
                roots.add(ca.clone())?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .allow_unauthenticated()
                .build()?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut tls = builder.with_single_cert(identity.chain, identity.key)?;
    tls.alpn_protocols = vec![ALPN.to_vec()];
    tls.max_early_data_size = 0;
    let crypto = QuicServerConfig::try_from(tls)?;
    let mut config = quinn::ServerConfig::with_crypto(Arc::new(crypto));
    config.transport_config(transport(true));
    Ok(config)
}

/// The client's rustls config: TLS 1.3, ALPN [`ALPN`], `trust`, and `identity` as a client
/// certificate when given. Early data is off; a caller may turn it on (it will be refused).
pub fn client_crypto(
    trust: &Trust,
    identity: Option<Identity>,
) -> Result<rustls::ClientConfig, TlsError> {
    let Trust::Pinned(pinned) = trust;
    let mut roots = RootCertStore::empty();
    for cert in pinned {
        roots.add(cert.clone())?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_root_certificates(roots);
    let mut tls = match identity {
        None => builder.with_no_client_auth(),
        Some(id) => builder.with_client_auth_cert(id.chain, id.key)?,
    };
    tls.alpn_protocols = vec![ALPN.to_vec()];
    Ok(tls)
}

/// The client's quinn config over [`client_crypto`]'s rustls config.
pub fn client_config(tls: rustls::ClientConfig) -> Result<quinn::ClientConfig, TlsError> {
    let mut config = quinn::ClientConfig::new(Arc::new(QuicClientConfig::try_from(tls)?));
    config.transport_config(transport(false));
    Ok(config)
}

/// The subject common name of the certificate the peer presented (verified by the TLS layer),
/// if it presented one.
pub fn peer_common_name(conn: &quinn::Connection) -> Option<String> {
    let identity = conn.peer_identity()?;
    let chain = identity.downcast::<Vec<CertificateDer<'static>>>().ok()?;
    let leaf = chain.first()?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref()).ok()?;
    let cn = cert.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_owned)
}
