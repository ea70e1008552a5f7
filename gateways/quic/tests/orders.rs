//! Order entry through the QUIC gateway into a real engine: new, amend, cancel, mass cancel,
//! fills between two accounts, engine rejects, quotes and cancel-on-disconnect.

mod support;

use support::{expect, next, Options, TestServer};
use tradestream_quic::client::Client;
use tradestream_quic::{
    Amend, AmendAck, Cancel, CancelAck, MassCancel, Message, NewOrder, Quote, RejectCode, Side,
    SnapshotRequest, TimeInForce,
};

fn order(
    client_id: u64,
    instrument: u32,
    side: Side,
    tif: TimeInForce,
    price: i64,
    qty: i64,
) -> Message {
    Message::NewOrder(NewOrder {
        client_id,
        instrument,
        side,
        tif,
        price,
        qty,
    })
}

/// A quote on instrument 0 of 2_000 a side.
fn quote(quote_id: u64, bid_price: i64, ask_price: i64) -> Quote {
    Quote {
        quote_id,
        instrument: 0,
        bid_price,
        bid_qty: 2_000,
        ask_price,
        ask_qty: 2_000,
    }
}

fn cancel(client_id: u64, instrument: u32) -> Message {
    Message::Cancel(Cancel {
        client_id,
        instrument,
    })
}

async fn send(c: &mut Client, msg: Message) {
    c.send(&msg);
    c.flush().await.unwrap();
}

/// The order id of the OrderAck of `client_id`.
async fn acked(c: &mut Client, client_id: u64) -> u64 {
    match expect(
        c,
        |m| matches!(m, Message::OrderAck(a) if a.client_id == client_id),
    )
    .await
    {
        Message::OrderAck(a) => a.order_id,
        _ => unreachable!(),
    }
}

async fn rejected(c: &mut Client, client_id: u64) -> RejectCode {
    match expect(
        c,
        |m| matches!(m, Message::Reject(r) if r.client_id == client_id),
    )
    .await
    {
        Message::Reject(r) => r.reason,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn new_amend_fill_cancel_between_two_accounts() {
    let server = TestServer::start();
    let mut a = server.logged_on(1).await;
    let mut b = server.logged_on(2).await;

    send(
        &mut a,
        order(1, 0, Side::Buy, TimeInForce::Gtc, 10_000, 5_000),
    )
    .await;
    let resting = acked(&mut a, 1).await;
    assert!(resting > 0);

    send(
        &mut a,
        Message::Amend(Amend {
            client_id: 1,
            instrument: 0,
            new_price: 0,
            new_qty: 4_000,
        }),
    )
    .await;
    let amended = expect(&mut a, |m| matches!(m, Message::AmendAck(_))).await;
    let Message::AmendAck(AmendAck {
        client_id,
        price,
        qty,
        ..
    }) = amended
    else {
        unreachable!()
    };
    assert_eq!(
        (client_id, price, qty),
        (1, 10_000, 4_000),
        "0 = unchanged price"
    );

    // Account 2 uses the same client id: ids are per account.
    send(
        &mut b,
        order(1, 0, Side::Sell, TimeInForce::Ioc, 10_000, 3_000),
    )
    .await;
    let taker = acked(&mut b, 1).await;
    let Message::Fill(f) = expect(&mut b, |m| matches!(m, Message::Fill(_))).await else {
        unreachable!()
    };
    assert_eq!(
        (f.client_id, f.order_id, f.price, f.qty),
        (1, taker, 10_000, 3_000)
    );
    assert!(f.aggressor);
    assert_eq!(f.leaves, 0);
    let Message::Fill(f) = expect(&mut a, |m| matches!(m, Message::Fill(_))).await else {
        unreachable!()
    };
    assert_eq!(
        (f.client_id, f.order_id, f.qty, f.leaves),
        (1, resting, 3_000, 1_000)
    );
    assert!(!f.aggressor);

    send(&mut a, cancel(1, 0)).await;
    let Message::CancelAck(CancelAck {
        client_id, leaves, ..
    }) = expect(&mut a, |m| matches!(m, Message::CancelAck(_))).await
    else {
        unreachable!()
    };
    assert_eq!((client_id, leaves), (1, 1_000));

    send(&mut a, cancel(1, 0)).await;
    assert_eq!(rejected(&mut a, 1).await, RejectCode::UNKNOWN_ORDER);
}

#[tokio::test]
async fn engine_rejects_are_mapped_to_wire_codes() {
    let server = TestServer::start();
    let mut a = server.logged_on(1).await;
    send(
        &mut a,
        order(1, 99, Side::Buy, TimeInForce::Gtc, 10_000, 1_000),
    )
    .await;
    assert_eq!(rejected(&mut a, 1).await, RejectCode::UNKNOWN_INSTRUMENT);
    send(&mut a, order(2, 0, Side::Buy, TimeInForce::Gtc, 0, 1_000)).await;
    assert_eq!(rejected(&mut a, 2).await, RejectCode::INVALID_PRICE);
    send(&mut a, order(3, 0, Side::Buy, TimeInForce::Gtc, 10_000, 0)).await;
    assert_eq!(rejected(&mut a, 3).await, RejectCode::INVALID_QUANTITY);
    send(
        &mut a,
        order(4, 0, Side::Buy, TimeInForce::Gtc, 10_000, 1_000),
    )
    .await;
    acked(&mut a, 4).await;
    send(
        &mut a,
        order(4, 0, Side::Buy, TimeInForce::Gtc, 10_000, 1_000),
    )
    .await;
    assert_eq!(rejected(&mut a, 4).await, RejectCode::DUPLICATE_CLIENT_ID);
    send(
        &mut a,
        order(5, 0, Side::Sell, TimeInForce::PostOnly, 9_000, 1_000),
    )
    .await;
    assert_eq!(rejected(&mut a, 5).await, RejectCode::POST_ONLY_WOULD_CROSS);
    send(
        &mut a,
        order(6, 0, Side::Sell, TimeInForce::Fok, 10_000, 5_000),
    )
    .await;
    assert_eq!(rejected(&mut a, 6).await, RejectCode::FOK_UNFILLED);
}

#[tokio::test]
async fn mass_cancel_one_instrument_or_all() {
    let server = TestServer::start();
    let mut a = server.logged_on(1).await;
    for (id, inst) in [(1, 0), (2, 0), (3, 1)] {
        send(
            &mut a,
            order(
                id,
                inst,
                Side::Buy,
                TimeInForce::Gtc,
                10_000 - id as i64,
                1_000,
            ),
        )
        .await;
        acked(&mut a, id).await;
    }
    send(&mut a, Message::MassCancel(MassCancel { instrument: 1 })).await;
    let Message::MassCancelAck(ack) =
        expect(&mut a, |m| matches!(m, Message::MassCancelAck(_))).await
    else {
        unreachable!()
    };
    assert_eq!((ack.instrument, ack.count), (1, 1));
    send(
        &mut a,
        Message::MassCancel(MassCancel {
            instrument: MassCancel::ALL_INSTRUMENTS,
        }),
    )
    .await;
    let mut cancelled = Vec::new();
    loop {
        match next(&mut a).await {
            Message::CancelAck(c) => cancelled.push(c.client_id),
            Message::MassCancelAck(ack) => {
                assert_eq!((ack.instrument, ack.count), (u32::MAX, 2));
                break;
            }
            _ => {}
        }
    }
    cancelled.retain(|id| *id != 3);
    cancelled.sort_unstable();
    assert_eq!(cancelled, [1, 2]);
}

#[tokio::test]
async fn quotes_are_acked_filled_replaced_and_checked() {
    let server = TestServer::start();
    let mut mm = server.logged_on(1).await;
    let mut taker = server.logged_on(2).await;
    send(&mut mm, Message::Quote(quote(7, 9_900, 10_100))).await;
    let Message::QuoteAck(ack) = expect(&mut mm, |m| matches!(m, Message::QuoteAck(_))).await
    else {
        unreachable!()
    };
    assert_eq!(ack.quote_id, 7);
    assert!(ack.bid_order_id > 0 && ack.ask_order_id > 0);

    send(
        &mut taker,
        order(1, 0, Side::Buy, TimeInForce::Ioc, 10_100, 500),
    )
    .await;
    let Message::Fill(f) = expect(&mut mm, |m| matches!(m, Message::Fill(_))).await else {
        unreachable!()
    };
    assert_eq!(
        (f.client_id, f.order_id, f.qty, f.leaves),
        (7, ack.ask_order_id, 500, 1_500)
    );

    // A new quote replaces the old one: both sides of 7 are cancelled, then 8 is acked.
    send(&mut mm, Message::Quote(quote(8, 9_800, 10_200))).await;
    let mut cancelled = 0;
    loop {
        match next(&mut mm).await {
            Message::CancelAck(c) => {
                assert_eq!(c.client_id, 7);
                cancelled += 1;
            }
            Message::QuoteAck(a) => {
                assert_eq!(a.quote_id, 8);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(cancelled, 2);

    send(&mut mm, Message::Quote(quote(9, 10_300, 10_200))).await;
    assert_eq!(rejected(&mut mm, 9).await, RejectCode::CROSSED_QUOTE);
}

async fn book_levels(c: &mut Client) -> usize {
    send(
        c,
        Message::SnapshotRequest(SnapshotRequest {
            instrument: 0,
            depth: 0,
        }),
    )
    .await;
    match expect(c, |m| matches!(m, Message::Snapshot(_))).await {
        Message::Snapshot(s) => s.levels.len(),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn the_last_session_of_an_account_leaving_cancels_its_orders() {
    let server = TestServer::start();
    let mut watcher = server.logged_on(2).await;
    let mut first = server.logged_on(1).await;
    let second = server.logged_on(1).await;
    send(
        &mut first,
        order(1, 0, Side::Buy, TimeInForce::Gtc, 10_000, 1_000),
    )
    .await;
    acked(&mut first, 1).await;
    first.close().await;
    // Another session of the account remains: the order stays.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(book_levels(&mut watcher).await, 1);
    second.close().await;
    let deadline = tokio::time::Instant::now() + support::WAIT;
    while book_levels(&mut watcher).await != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "cancelled on disconnect"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn cancel_on_disconnect_can_be_turned_off() {
    let server = TestServer::start_with(Options {
        keep_orders_on_disconnect: true,
        ..Options::default()
    });
    let mut watcher = server.logged_on(2).await;
    let mut a = server.logged_on(1).await;
    send(
        &mut a,
        order(1, 0, Side::Buy, TimeInForce::Gtc, 10_000, 1_000),
    )
    .await;
    acked(&mut a, 1).await;
    a.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(book_levels(&mut watcher).await, 1);
}

#[tokio::test]
async fn a_tripped_protection_is_reported_and_freezes_quoting() {
    let server = TestServer::start();
    server.admin(tradestream_model::Command::SetProtection {
        account: tradestream_model::AccountId(1),
        instrument: tradestream_model::InstrumentId(0),
        limits: tradestream_model::ProtectionLimits {
            window_ms: 60_000,
            max_filled: 1_000,
            max_delta: 0,
            freeze_ms: 60_000,
        },
    });
    let mut mm = server.logged_on(1).await;
    let mut taker = server.logged_on(2).await;
    send(&mut mm, Message::Quote(quote(1, 9_900, 10_100))).await;
    expect(&mut mm, |m| matches!(m, Message::QuoteAck(_))).await;
    send(
        &mut taker,
        order(1, 0, Side::Buy, TimeInForce::Ioc, 10_100, 1_500),
    )
    .await;
    let Message::ProtectionTripped(p) =
        expect(&mut mm, |m| matches!(m, Message::ProtectionTripped(_))).await
    else {
        unreachable!()
    };
    assert_eq!((p.instrument, p.filled, p.delta), (0, 1_500, -1_500));
    assert!(p.frozen_until > 0);
    send(&mut mm, Message::Quote(quote(2, 9_900, 10_100))).await;
    assert_eq!(rejected(&mut mm, 2).await, RejectCode::MM_PROTECTION);
}

#[tokio::test]
async fn a_quote_with_one_side_refused_is_acked_without_a_reject() {
    let server = TestServer::start();
    let mut mm = server.logged_on(1).await;
    // The bid needs far more USD than the account holds: that side alone is refused.
    send(
        &mut mm,
        Message::Quote(Quote {
            bid_qty: 100_000_000_000_000,
            ..quote(5, 9_900, 10_100)
        }),
    )
    .await;
    let Message::QuoteAck(ack) = expect(&mut mm, |m| {
        matches!(m, Message::QuoteAck(_) | Message::Reject(_))
    })
    .await
    else {
        panic!("a quote that was applied is answered QuoteAck only");
    };
    assert_eq!((ack.quote_id, ack.bid_order_id), (5, 0));
    assert!(ack.ask_order_id > 0);
}
