//! The sans-I/O gateway over a real engine whose rings are tiny and not polled, so that the
//! engine is busy on demand.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use tradestream_quic::auth::Authenticator;
use tradestream_quic::gateway::{Gateway, GatewayConfig, Outgoing};
use tradestream_quic::{Logon, Message, NewOrder, RejectCode, Side, TimeInForce};
use tradestream_runtime::{spawn, AckMode, Idle, RuntimeConfig, RuntimeHandle, Wake};

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
    let mut quiet = Instant::now();
    while quiet.elapsed() < Duration::from_millis(200) {
        gw.retry_deferred();
        if gw.poll(256) {
            quiet = Instant::now();
        }
        let before = all.len();
        all.extend(gw.drain_outputs());
        if all.len() > before {
            quiet = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    all
}

/// A gateway (cert logons: `mm` is account 1, `taker` account 2) over an engine with tiny
/// rings, with the runtime to stop.
fn gateway(config: GatewayConfig) -> (Gateway, RuntimeHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (engine, catalog) = support::engine(&dir);
    let runtime_config = RuntimeConfig {
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
    let (runtime, ports) = spawn(engine, runtime_config, wakers).unwrap();
    let port = ports.into_iter().next().unwrap();
    let certs = vec![("mm".into(), 1), ("taker".into(), 2)];
    let auth = Authenticator::new(Vec::new(), certs, 5_000);
    let gw = Gateway::new(port, auth, catalog, Vec::new(), config);
    (gw, runtime, dir)
}

/// Sends orders of `session` (not polling) until the engine answers BUSY.
fn make_busy(gw: &mut Gateway, session: u32) {
    let mut out = Vec::new();
    for id in 1..1_000 {
        gw.on_message(session, &order(id, 9_000), 0).unwrap();
        out.clear();
        out.extend(gw.drain_outputs());
        let refused = |o: &Outgoing| matches!(o, Outgoing::Send(_, Message::Reject(r)) if r.reason == RejectCode::BUSY);
        if out.iter().any(refused) {
            return;
        }
    }
    panic!("the engine never got busy");
}

#[test]
fn orders_of_a_new_session_are_not_cancelled_by_a_deferred_disconnect() {
    let (mut gw, runtime, _dir) = gateway(GatewayConfig::default());
    // Not polled, the engine soon stalls and its inbound ring fills: BUSY.
    let first = gw.logon(&cert_logon(1), Some("mm"), 0).unwrap().session as u32;
    make_busy(&mut gw, first);
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

#[test]
fn orders_entered_before_a_logon_that_found_the_engine_busy_are_reported_with_their_ids() {
    let config = GatewayConfig {
        cancel_on_disconnect: false,
        ..GatewayConfig::default()
    };
    let (mut gw, runtime, _dir) = gateway(config);
    // Account 1 leaves an order resting, then leaves.
    let first = gw.logon(&cert_logon(1), Some("mm"), 0).unwrap().session as u32;
    gw.on_message(first, &order(1, 9_500), 0).unwrap();
    drain(&mut gw);
    gw.disconnect(first);
    // It comes back while the engine is busy.
    let taker = gw.logon(&cert_logon(2), Some("taker"), 0).unwrap().session as u32;
    make_busy(&mut gw, taker);
    let again = gw.logon(&cert_logon(1), Some("mm"), 0).unwrap().session as u32;
    drain(&mut gw);
    let sell = Message::NewOrder(NewOrder {
        client_id: 5_000,
        instrument: 0,
        side: Side::Sell,
        tif: TimeInForce::Ioc,
        price: 9_500,
        qty: 400,
    });
    gw.on_message(taker, &sell, 0).unwrap();
    let sent = drain(&mut gw);
    let fill = sent
        .iter()
        .find_map(|o| match o {
            Outgoing::Send(s, Message::Fill(f)) if *s == again => Some(*f),
            _ => None,
        })
        .expect("the resting order's fill");
    assert_eq!((fill.client_id, fill.qty), (1, 400));
    assert!(fill.order_id > 0, "its order id is known");
    assert_eq!(fill.leaves, 600);
    runtime.stop_accepting();
    drop(gw);
    let _ = runtime.stop(false);
}
