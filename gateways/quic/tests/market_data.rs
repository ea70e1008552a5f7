//! Market data over QUIC datagrams: every logged-on session receives MdDeltas with a
//! consecutive `md_seq` per instrument, large changes are split over several datagrams, and
//! a snapshot carries the `md_seq` of the last delta it includes.

mod support;

use support::{datagram, expect, TestServer};
use tradestream_quic::client::Client;
use tradestream_quic::{
    Level, MassCancel, MdAction, MdEntry, Message, NewOrder, Side, SnapshotRequest, TimeInForce,
};

async fn send(c: &mut Client, msg: Message) {
    c.send(&msg);
    c.flush().await.unwrap();
}

fn buy(client_id: u64, price: i64, qty: i64) -> Message {
    Message::NewOrder(NewOrder {
        client_id,
        instrument: 0,
        side: Side::Buy,
        tif: TimeInForce::Gtc,
        price,
        qty,
    })
}

#[tokio::test]
async fn deltas_have_consecutive_seqs_and_the_snapshot_their_seq() {
    let server = TestServer::start();
    let watcher = server.logged_on(2).await;
    let mut a = server.logged_on(1).await;
    send(&mut a, buy(1, 10_000, 1_000)).await;
    send(&mut a, buy(2, 10_000, 2_000)).await;
    send(&mut a, buy(3, 9_900, 1_000)).await;
    let d1 = datagram(&watcher, 0).await;
    let d2 = datagram(&watcher, 0).await;
    let d3 = datagram(&watcher, 0).await;
    assert_eq!((d1.md_seq, d2.md_seq, d3.md_seq), (1, 2, 3));
    let entry = |action, price, qty| MdEntry {
        action,
        side: Side::Buy,
        price,
        qty,
    };
    assert_eq!(d1.entries, [entry(MdAction::New, 10_000, 1_000)]);
    assert_eq!(d2.entries, [entry(MdAction::Change, 10_000, 3_000)]);
    assert_eq!(d3.entries, [entry(MdAction::New, 9_900, 1_000)]);

    // A trade: the level shrinks, then the print.
    let mut b = server.logged_on(3).await;
    send(
        &mut b,
        Message::NewOrder(NewOrder {
            client_id: 1,
            instrument: 0,
            side: Side::Sell,
            tif: TimeInForce::Ioc,
            price: 10_000,
            qty: 500,
        }),
    )
    .await;
    let d4 = datagram(&watcher, 0).await;
    assert_eq!(d4.md_seq, 4);
    assert_eq!(
        d4.entries,
        [
            entry(MdAction::Change, 10_000, 2_500),
            MdEntry {
                action: MdAction::Trade,
                side: Side::Sell,
                price: 10_000,
                qty: 500
            }
        ]
    );

    let mut w = watcher;
    send(
        &mut w,
        Message::SnapshotRequest(SnapshotRequest {
            instrument: 0,
            depth: 10,
        }),
    )
    .await;
    let Message::Snapshot(s) = expect(&mut w, |m| matches!(m, Message::Snapshot(_))).await else {
        unreachable!()
    };
    assert_eq!(s.md_seq, 4);
    let level = |price, qty| Level {
        side: Side::Buy,
        price,
        qty,
    };
    assert_eq!(s.levels, [level(10_000, 2_500), level(9_900, 1_000)]);

    // An instrument without activity: seq 0, empty.
    send(
        &mut w,
        Message::SnapshotRequest(SnapshotRequest {
            instrument: 1,
            depth: 0,
        }),
    )
    .await;
    let Message::Snapshot(s) = expect(&mut w, |m| matches!(m, Message::Snapshot(_))).await else {
        unreachable!()
    };
    assert_eq!((s.instrument, s.md_seq, s.levels.len()), (1, 0, 0));
}

#[tokio::test]
async fn a_large_change_is_split_into_datagrams_with_their_own_seqs() {
    let server = TestServer::start();
    let mut a = server.logged_on(1).await;
    let levels = 100u64;
    for i in 0..levels {
        send(&mut a, buy(i, 10_000 - i as i64, 1_000)).await;
    }
    // Wait until the last order is acked (its delta is then out too).
    expect(
        &mut a,
        |m| matches!(m, Message::OrderAck(o) if o.client_id == levels - 1),
    )
    .await;
    let watcher = server.logged_on(2).await;
    send(
        &mut a,
        Message::MassCancel(MassCancel {
            instrument: MassCancel::ALL_INSTRUMENTS,
        }),
    )
    .await;
    let mut seqs = Vec::new();
    let mut deleted = 0;
    while deleted < levels as usize {
        let d = datagram(&watcher, 0).await;
        assert!(d.entries.len() <= 40);
        assert!(d.entries.iter().all(|e| e.action == MdAction::Delete));
        deleted += d.entries.len();
        seqs.push(d.md_seq);
    }
    assert_eq!(seqs, [levels + 1, levels + 2, levels + 3]);
}
