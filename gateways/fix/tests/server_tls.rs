//! The acceptor over TLS: a rustls client with the server's self-signed certificate as its
//! only root logs on through the real tokio glue and gets the Logon answer; a plain-TCP client
//! on the same port gets no FIX answer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::rustls::{self, pki_types::ServerName, ClientConfig, RootCertStore};
use tradestream_fix::acceptor::Acceptor;
use tradestream_fix::codec::encode::with_trailer;
use tradestream_fix::codec::time::{now_ms, timestamp};
use tradestream_fix::dict::Dictionary;
use tradestream_fix::echo::Echo;
use tradestream_fix::server::{tls, FixServer};
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;

fn logon() -> Vec<u8> {
    let ts = String::from_utf8(timestamp(now_ms())).unwrap();
    let body = format!("35=A|34=1|49=CLIENT|52={ts}|56=SERVER|98=0|108=30|").replace('|', "\x01");
    with_trailer(body.as_bytes())
}

fn start(dir: &std::path::Path) -> (FixServer, rustls::pki_types::CertificateDer<'static>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let (cert_pem, key_pem) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_pem, cert.cert.pem()).unwrap();
    std::fs::write(&key_pem, cert.signing_key.serialize_pem()).unwrap();
    let session = Session::new(0, SessionConfig::fix44("SERVER", "CLIENT"), Store::memory());
    let acceptor = Acceptor::new(
        Dictionary::fix44(),
        vec![session],
        Echo::new(Dictionary::fix44(), 1),
    );
    let tls = tls::acceptor(&cert_pem, &key_pem).unwrap();
    let server = FixServer::start(
        "127.0.0.1:0".parse().unwrap(),
        acceptor,
        Arc::default(),
        Some(tls),
    )
    .unwrap();
    (server, cert.cert.der().clone())
}

#[test]
fn logon_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (server, cert) = start(dir.path());
    let mut roots = RootCertStore::empty();
    roots.add(cert).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut sock = TcpStream::connect(server.local_addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    tls.write_all(&logon()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\x0110=") || got.last() != Some(&1) {
        let n = tls.read(&mut buf).unwrap();
        assert!(n > 0, "closed before the Logon answer");
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got).replace('\x01', "|");
    assert!(text.starts_with("8=FIX.4.4|9="), "{text}");
    assert!(text.contains("|35=A|34=1|49=SERVER|"), "{text}");
    assert!(text.contains("|56=CLIENT|98=0|108=30|10="), "{text}");

    let mut plain = TcpStream::connect(server.local_addr).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    plain.write_all(&logon()).unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(
        !answer.windows(5).any(|w| w == b"\x0135=A"),
        "a plain-TCP client must not get a FIX Logon over a TLS port"
    );
    server.stop().unwrap();
}
