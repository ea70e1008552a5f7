//! The sans-I/O gateway over a real engine whose rings are tiny and not polled, so that the
//! engine is busy on demand.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use tradestream_quic::auth::Authenticator;
use tradestream_quic::gateway::{Gateway, GatewayConfig, Outgoing};
use tradestream_quic::{Logon, Message, NewOrder, RejectCode, Side, TimeInForce};
use tradestream_runtime::{spawn, AckMode, Idle, RuntimeConfig, Wake};

struct NoWake;

impl Wake for NoWake {
    fn wake(&self) {}
}

fn cert_logon(account: u64) -> Logon {
    Logon {
        account,
        key_id: [0; 16],
        timestamp: 0,
        nonce: 0,
        signature: [0; 64],
    }
}

fn order(client_id: u64, price: i64) -> Message {
    Message::NewOrder(NewOrder {
        client_id,
        instrument: 0,
        side: Side::Buy,
        tif: TimeInForce::Gtc,
        price,
        qty: 1_000,
    })
}

/// Polls until the engine has had nothing to release for 200 ms; returns what was sent.
fn drain(gw: &mut Gateway) -> Vec<Outgoing> {
    let mut all = Vec::new();
    let mut out = Vec::new();
    let mut quiet = Instant::now();
    while quiet.elapsed() < Duration::from_millis(200) {
        gw.retry_deferred();
        if gw.poll(256) {
            quiet = Instant::now();
        }
        gw.take_outputs(&mut out);
        if !out.is_empty() {
            quiet = Instant::now();
        }
        all.append(&mut out);
        std::thread::sleep(Duration::from_millis(1));
    }
    all
}

#[test]
fn orders_of_a_new_session_are_not_cancelled_by_a_deferred_disconnect() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, catalog) = support::engine(&dir);
    let config = RuntimeConfig {
        idle: Idle::SpinPark {
            spin: Duration::from_micros(20),
            park: Duration::from_millis(1),
        },
        ack: AckMode::Fast,
        inbound_capacity: 4,
        outbound_capacity: 8,
        ..RuntimeConfig::default()
    };
    let wakers: Vec<Arc<dyn Wake>> = vec![Arc::new(NoWake)];
    let (runtime, ports) = spawn(engine, config, wakers).unwrap();
    let port = ports.into_iter().next().unwrap();
    let auth = Authenticator::new(Vec::new(), vec![("mm".into(), 1)], 5_000);
    let mut gw = Gateway::new(port, auth, catalog, Vec::new(), GatewayConfig::default());

    // Not polled, the engine soon stalls and its inbound ring fills: BUSY.
    let first = gw.logon(&cert_logon(1), Some("mm"), 0).unwrap().session as u32;
    let mut out = Vec::new();
    let mut busy = false;
    for id in 1..1_000 {
        gw.on_message(first, &order(id, 9_000), 0).unwrap();
        gw.take_outputs(&mut out);
        let refused = |o: &Outgoing| matches!(o, Outgoing::Send(_, Message::Reject(r)) if r.reason == RejectCode::BUSY);
        if out.iter().any(refused) {
            busy = true;
            break;
        }
    }
    assert!(busy, "the engine is busy");
    // The last session leaves while the engine is busy: its Disconnect waits.
    gw.disconnect(first);
    // The engine catches up (the Disconnect is retried later), and the account comes back.
    while gw.poll(256) {}
    std::thread::sleep(Duration::from_millis(50));
    while gw.poll(256) {}
    let second = gw.logon(&cert_logon(1), Some("mm"), 0).unwrap().session as u32;
    gw.on_message(second, &order(5_000, 8_000), 0).unwrap();
    let sent = drain(&mut gw);
    let refused = sent.iter().any(|o| {
        matches!(o, Outgoing::Send(_, Message::Reject(r))
            if r.client_id == 5_000 && r.reason == RejectCode::BUSY)
    });
    let cancelled = sent
        .iter()
        .any(|o| matches!(o, Outgoing::Send(_, Message::CancelAck(c)) if c.client_id == 5_000));
    assert!(
        refused || !cancelled,
        "an order entered after the account came back is not cancelled by the Disconnect of its earlier session"
    );
    runtime.stop_accepting();
    drop(gw);
    let _ = runtime.stop(false);
}
