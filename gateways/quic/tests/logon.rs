//! Logon over a real QUIC connection: Ed25519 keys accepted and refused with the right code,
//! the connection closed after a refusal and nothing submitted to the engine; protocol
//! violations before and after the logon.

mod support;

use ed25519_dalek::Signer;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::{next, signing_key, TestServer, WAIT};
use tradestream_quic::auth::key_id;
use tradestream_quic::client::{Client, ClientError};
use tradestream_quic::{Heartbeat, Logon, LogonReject, Message, RejectCode};

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// A Logon of `account` with key `api_key`, signed by the seed of `signer`.
fn logon(account: u64, api_key: &str, signer: u64, timestamp: u64, nonce: u64) -> Logon {
    let mut l = Logon {
        account,
        key_id: key_id(api_key).unwrap(),
        timestamp,
        nonce,
        signature: [0; 64],
    };
    l.signature = signing_key(signer).sign(&l.signed_bytes()).to_bytes();
    l
}

/// Sends `l`, expects a LogonReject with `code`, then the connection closed.
async fn refused(server: &TestServer, l: Logon, code: RejectCode) {
    let before = settled_requests(server).await;
    let mut c = server.client().await;
    match tokio::time::timeout(WAIT, c.logon(l)).await.unwrap() {
        Err(ClientError::LogonRejected(got)) => assert_eq!(got, code, "{:?}", got.name()),
        other => panic!("expected a LogonReject {code:?}, got {other:?}"),
    }
    let closed = tokio::time::timeout(WAIT, c.connection().closed()).await;
    assert!(closed.is_ok(), "the server closes the connection");
    assert_eq!(server.requests(), before, "nothing reached the engine");
}

/// The engine's request count once earlier logons' account snapshots are done.
async fn settled_requests(server: &TestServer) -> u64 {
    let mut last = server.requests();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = server.requests();
        if now == last {
            return now;
        }
        last = now;
    }
}

#[tokio::test]
async fn a_good_key_is_acked_with_a_session_and_the_server_time() {
    let server = TestServer::start();
    let mut c = server.client().await;
    let before = now_ns();
    let ack = c.logon_ed25519(1, "k1", &signing_key(1)).await.unwrap();
    assert!(ack.session > 0);
    assert!(ack.server_time >= before && ack.server_time <= now_ns());
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.flush().await.unwrap();
    assert!(matches!(next(&mut c).await, Message::Heartbeat(_)));
}

#[tokio::test]
async fn bad_logons_are_refused_with_their_code_and_closed() {
    let server = TestServer::start();
    let now = now_ns();
    refused(
        &server,
        logon(1, "k1", 2, now, 1),
        RejectCode::BAD_SIGNATURE,
    )
    .await;
    refused(
        &server,
        logon(1, "nobody", 1, now, 2),
        RejectCode::UNKNOWN_KEY,
    )
    .await;
    refused(&server, logon(2, "k1", 1, now, 3), RejectCode::UNKNOWN_KEY).await;
    let stale = now - 60_000_000_000;
    refused(
        &server,
        logon(1, "k1", 1, stale, 4),
        RejectCode::STALE_TIMESTAMP,
    )
    .await;
    let future = now + 60_000_000_000;
    refused(
        &server,
        logon(1, "k1", 1, future, 5),
        RejectCode::STALE_TIMESTAMP,
    )
    .await;
    refused(
        &server,
        logon(5, "ro5", 5, now, 6),
        RejectCode::NOT_PERMITTED,
    )
    .await;
    // A certificate logon (zero key id) without a certificate.
    let mut cert_logon = logon(1, "k1", 1, now, 7);
    cert_logon.key_id = [0; 16];
    refused(&server, cert_logon, RejectCode::UNKNOWN_KEY).await;
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let server = TestServer::start();
    let l = logon(1, "k1", 1, now_ns(), 42);
    let mut c = server.client().await;
    c.logon(l).await.unwrap();
    refused(&server, l, RejectCode::REPLAYED_NONCE).await;
    // The same nonce under another key is another nonce.
    let mut other = server.client().await;
    other.logon(logon(2, "k2", 2, now_ns(), 42)).await.unwrap();
}

#[tokio::test]
async fn a_first_frame_that_is_not_a_logon_is_refused() {
    let server = TestServer::start();
    let mut c = server.client().await;
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.flush().await.unwrap();
    assert_eq!(
        next(&mut c).await,
        Message::LogonReject(LogonReject {
            reason: RejectCode::NOT_LOGGED_IN
        })
    );
}

#[tokio::test]
async fn garbage_on_the_stream_closes_the_connection_and_the_server_goes_on() {
    let server = TestServer::start();
    // Before the logon.
    let c = server.client().await;
    let (mut orders, _md, _endpoint) = c.split();
    send_raw(&mut orders, b"GET / HTTP/1.1\r\n\r\n").await;
    assert!(orders.recv().await.is_err(), "closed without an answer");
    // After the logon.
    let mut c = server.logged_on(1).await;
    let conn = c.connection().clone();
    let mut junk = Vec::new();
    tradestream_quic::encode(&Message::Heartbeat(Heartbeat { timestamp: 1 }), &mut junk);
    junk[2] = 9; // unsupported version
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.flush().await.unwrap();
    let (mut orders, _md, _endpoint) = c.split();
    send_raw(&mut orders, &junk).await;
    let closed = tokio::time::timeout(WAIT, conn.closed()).await;
    assert!(closed.is_ok(), "the server closes the connection");
    // A server → client message from the client is a protocol error too.
    let mut c = server.logged_on(2).await;
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.send(&Message::LogonReject(LogonReject {
        reason: RejectCode::OTHER,
    }));
    c.flush().await.unwrap();
    let closed = tokio::time::timeout(WAIT, c.connection().closed()).await;
    assert!(closed.is_ok());
    // Still serving.
    let mut c = server.logged_on(3).await;
    c.send(&Message::Heartbeat(Heartbeat { timestamp: 1 }));
    c.flush().await.unwrap();
    assert!(matches!(next(&mut c).await, Message::Heartbeat(_)));
}

/// Writes raw bytes on the order-entry stream.
async fn send_raw(orders: &mut tradestream_quic::client::OrderStream, bytes: &[u8]) {
    orders.send_raw(bytes);
    orders.flush().await.unwrap();
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_logon_timeout() {
    let server = TestServer::start();
    let c: Client = server.client().await;
    let closed = tokio::time::timeout(Duration::from_secs(8), c.connection().closed()).await;
    assert!(closed.is_ok(), "closed by the logon timeout");
}
