//! TLS of the QUIC transport: the self-signed certificate kept and reused, client-certificate
//! logons, certificates of another CA refused by the handshake, 0-RTT refused.

mod support;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::{next, Options, TestServer, WAIT};
use tradestream_quic::client::{Client, ClientError};
use tradestream_quic::tls::{self, Identity};
use tradestream_quic::{encode, Heartbeat, Message, RejectCode};

/// A CA that issues client certificates.
struct Ca(CertifiedIssuer<'static, KeyPair>);

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca(CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap())
    }

    fn der(&self) -> CertificateDer<'static> {
        self.0.der().clone()
    }

    /// A client certificate with subject common name `cn`.
    fn issue(&self, cn: &str) -> Identity {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &self.0).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::from(key),
        }
    }
}

#[test]
fn the_self_signed_certificate_is_generated_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let (first, path) = tls::self_signed(&dir.path().join("quic")).unwrap();
    assert_eq!(path, dir.path().join("quic").join("cert.pem"));
    let (again, _) = tls::self_signed(&dir.path().join("quic")).unwrap();
    assert_eq!(first.chain, again.chain);
}

#[tokio::test]
async fn a_client_certificate_of_the_ca_logs_on_as_its_account() {
    let ca = Ca::new("mm ca");
    let server = TestServer::start_with(Options {
        client_ca: Some((vec![ca.der()], vec![("mm-one".into(), 3)])),
        ..Options::default()
    });
    let mut c = server.client_with(ca.issue("mm-one")).await;
    let ack = c.logon_cert(3).await.unwrap();
    assert!(ack.session > 0);
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.flush().await.unwrap();
    assert!(matches!(next(&mut c).await, Message::Heartbeat(_)));

    // The certificate's account only.
    let mut c = server.client_with(ca.issue("mm-one")).await;
    match c.logon_cert(4).await {
        Err(ClientError::LogonRejected(code)) => assert_eq!(code, RejectCode::UNKNOWN_KEY),
        other => panic!("{other:?}"),
    }
    // A certificate of the CA whose name is not mapped.
    let mut c = server.client_with(ca.issue("stranger")).await;
    assert!(matches!(
        c.logon_cert(3).await,
        Err(ClientError::LogonRejected(RejectCode::UNKNOWN_KEY))
    ));
    // Key logons still work without a certificate.
    server.logged_on(1).await;
}

#[tokio::test]
async fn a_certificate_of_another_ca_is_refused_by_the_handshake() {
    let ca = Ca::new("mm ca");
    let server = TestServer::start_with(Options {
        client_ca: Some((vec![ca.der()], vec![("mm-one".into(), 3)])),
        ..Options::default()
    });
    let other = Ca::new("other ca");
    let refused = async {
        let mut c = Client::connect_with(
            server.addr,
            "localhost",
            &server.trust(),
            Some(other.issue("mm-one")),
        )
        .await?;
        c.logon_cert(3).await
    };
    let result = tokio::time::timeout(WAIT, refused).await.unwrap();
    assert!(
        matches!(
            result,
            Err(ClientError::Connection(_) | ClientError::Read(_) | ClientError::Write(_))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn zero_rtt_is_refused_and_a_full_handshake_works() {
    let server = TestServer::start();
    let mut crypto = tls::client_crypto(&server.trust(), None).unwrap();
    crypto.enable_early_data = true;
    let config = tls::client_config(crypto).unwrap();
    let mut endpoint = quinn::Endpoint::client("127.0.0.1:0".parse().unwrap()).unwrap();
    endpoint.set_default_client_config(config);

    // A first connection collects the server's session tickets.
    let conn = endpoint
        .connect(server.addr, "localhost")
        .unwrap()
        .await
        .unwrap();
    let (mut send, mut recv) = conn.open_bi().await.unwrap();
    let mut hb = Vec::new();
    encode(&Message::Heartbeat(Heartbeat { timestamp: 1 }), &mut hb);
    send.write_all(&hb).await.unwrap();
    let mut buf = [0u8; 64];
    let _ = tokio::time::timeout(WAIT, recv.read(&mut buf)).await;
    conn.close(0u32.into(), b"");

    // The resumed connection cannot carry early data: into_0rtt fails, so no order can be
    // sent before the handshake completes.
    let connecting = endpoint.connect(server.addr, "localhost").unwrap();
    let connecting = match connecting.into_0rtt() {
        Ok((_conn, _accepted)) => panic!("the server must not allow 0-RTT"),
        Err(connecting) => connecting,
    };
    let conn = tokio::time::timeout(WAIT, connecting)
        .await
        .unwrap()
        .unwrap();
    let (mut send, mut recv) = conn.open_bi().await.unwrap();
    let logon = {
        use ed25519_dalek::Signer;
        let mut l = tradestream_quic::Logon {
            account: 1,
            key_id: tradestream_quic::auth::key_id("k1").unwrap(),
            timestamp: tradestream_quic::gateway::now_ns(),
            nonce: 99,
            signature: [0; 64],
        };
        l.signature = support::signing_key(1).sign(&l.signed_bytes()).to_bytes();
        l
    };
    let mut bytes = Vec::new();
    encode(&Message::Logon(logon), &mut bytes);
    send.write_all(&bytes).await.unwrap();
    let mut reader = tradestream_quic::FrameReader::new();
    let msg = loop {
        if let Some(m) = reader.next_message().unwrap() {
            break m;
        }
        let n = tokio::time::timeout(WAIT, recv.read(&mut buf))
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        reader.push(&buf[..n]);
    };
    assert!(matches!(msg, Message::LogonAck(_)), "{msg:?}");
}
