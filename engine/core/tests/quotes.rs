//! Two-sided quotes: placement, atomic replacement, whole-quote rejects that change nothing,
//! one-sided quotes, sides trading on arrival or rejected alone, and `Quoted`'s order ids.

use tradestream_model::{CancelReason, Event, Price, Qty, RejectReason, Side};

mod mm;
use mm::*;

#[test]
fn a_quote_places_both_sides_and_reports_their_order_ids() {
    let mut e = engine();
    let ev = run(&mut e, quote(1, "q1", (100, 5), (102, 7)), 10);
    assert_eq!(
        ev,
        vec![
            accepted(1, "q1b", 1, Side::Buy, 100, 5, 10),
            accepted(1, "q1a", 2, Side::Sell, 102, 7, 10),
            quoted(1, "q1", Some(1), Some(2)),
        ]
    );
    assert_eq!(open_ids(&e, 1), ["q1b", "q1a"]);
}

#[test]
fn the_next_quote_replaces_the_previous_one_in_one_command() {
    let mut e = engine();
    run(&mut e, quote(1, "q1", (100, 5), (102, 7)), 10);
    let ev = run(&mut e, quote(1, "q2", (99, 3), (103, 4)), 11);
    assert_eq!(
        ev,
        vec![
            cancelled(1, "q1b", CancelReason::Replaced, 5),
            cancelled(1, "q1a", CancelReason::Replaced, 7),
            accepted(1, "q2b", 3, Side::Buy, 99, 3, 11),
            accepted(1, "q2a", 4, Side::Sell, 103, 4, 11),
            quoted(1, "q2", Some(3), Some(4)),
        ]
    );
    assert_eq!(open_ids(&e, 1), ["q2b", "q2a"]);
    // Only the remaining open side of the previous quote is cancelled.
    run(&mut e, order(2, "hit", Side::Sell, 99, 3), 12);
    let ev = run(&mut e, quote(1, "q3", (98, 1), (0, 0)), 13);
    assert_eq!(
        ev,
        vec![
            cancelled(1, "q2a", CancelReason::Replaced, 4),
            accepted(1, "q3b", 6, Side::Buy, 98, 1, 13),
            quoted(1, "q3", Some(6), None),
        ]
    );
}

#[test]
fn another_accounts_quote_or_plain_orders_are_not_replaced() {
    let mut e = engine();
    run(&mut e, order(1, "plain", Side::Buy, 90, 1), 1);
    run(&mut e, quote(1, "q1", (100, 5), (102, 7)), 2);
    run(&mut e, quote(2, "q1", (100, 5), (102, 7)), 3);
    let ev = run(&mut e, quote(2, "q2", (101, 1), (0, 0)), 4);
    assert_eq!(ev[0], cancelled(2, "q1b", CancelReason::Replaced, 5));
    assert_eq!(ev[1], cancelled(2, "q1a", CancelReason::Replaced, 7));
    assert_eq!(open_ids(&e, 1), ["plain", "q1b", "q1a"]);
}

#[test]
fn rejected_quotes_change_nothing_and_keep_the_old_quote() {
    let mut e = engine();
    run(&mut e, quote(1, "q1", (100, 5), (102, 7)), 1);
    let before = e.state_hash();
    let cases = [
        (
            quote(1, "x1", (102, 1), (102, 1)),
            RejectReason::CrossedQuote,
        ),
        (
            quote(1, "x2", (103, 1), (102, 1)),
            RejectReason::CrossedQuote,
        ),
        (quote(1, "x3", (0, 1), (102, 1)), RejectReason::InvalidPrice),
        (
            quote(1, "x4", (100, 1), (-5, 1)),
            RejectReason::InvalidPrice,
        ),
        (
            quote(1, "x5", (100, -1), (102, 1)),
            RejectReason::InvalidQty,
        ),
        (quote(1, "x6", (100, 0), (102, 0)), RejectReason::InvalidQty),
        // Invalid price before invalid quantity, and both before crossed.
        (quote(1, "x7", (0, -1), (1, 1)), RejectReason::InvalidPrice),
        (
            quote(1, "x8", (200, -1), (100, 1)),
            RejectReason::InvalidQty,
        ),
        // The quote id or a side id used before (the previous quote's, or an order's).
        (
            quote(1, "q1", (100, 1), (102, 1)),
            RejectReason::DuplicateId,
        ),
        // Duplicate before invalid price.
        (quote(1, "q1", (0, 1), (102, 1)), RejectReason::DuplicateId),
    ];
    for (cmd, reason) in cases {
        let tradestream_model::Command::Quote(q) = cmd else {
            panic!("a quote: {cmd:?}");
        };
        let ev = run(&mut e, cmd, 2);
        assert_eq!(ev, vec![rejected(1, q.id.as_str(), reason)], "{cmd:?}");
        assert_eq!(e.state_hash(), before, "{cmd:?} changed the state");
    }
    assert_eq!(open_ids(&e, 1), ["q1b", "q1a"]);
}

#[test]
fn quote_ids_are_used_up_like_order_ids() {
    let mut e = engine();
    run(&mut e, order(1, "o", Side::Buy, 90, 1), 1);
    // A side id taken by an order.
    let mut cmd = quote(1, "q", (100, 1), (102, 1));
    if let tradestream_model::Command::Quote(q) = &mut cmd {
        q.bid_id = cid("o");
    }
    assert_eq!(
        run(&mut e, cmd, 2),
        vec![rejected(1, "q", RejectReason::DuplicateId)]
    );
    // Two ids of one quote equal.
    if let tradestream_model::Command::Quote(q) = &mut cmd {
        q.bid_id = cid("same");
        q.ask_id = cid("same");
    }
    assert_eq!(
        run(&mut e, cmd, 2),
        vec![rejected(1, "q", RejectReason::DuplicateId)]
    );
    // An absent side's id is not checked, nor used up.
    if let tradestream_model::Command::Quote(q) = &mut cmd {
        q.ask.qty = Qty(0);
    }
    assert_eq!(
        run(&mut e, cmd, 3).last(),
        Some(&quoted(1, "q", Some(2), None))
    );
    // The quote's own id cannot be reused by an order, nor by another quote.
    assert_eq!(
        run(&mut e, order(1, "q", Side::Buy, 90, 1), 4),
        vec![rejected(1, "q", RejectReason::DuplicateId)]
    );
    assert_eq!(
        run(&mut e, quote(1, "q", (100, 1), (0, 0)), 5),
        vec![rejected(1, "q", RejectReason::DuplicateId)]
    );
    // Other accounts may use the same ids.
    assert_eq!(
        run(&mut e, quote(2, "q", (100, 1), (0, 0)), 6).last(),
        Some(&quoted(2, "q", Some(3), None))
    );
}

#[test]
fn gates_come_first_unknown_symbol_kill_switch_halt() {
    let mut e = engine();
    let mut unknown = quote(1, "u", (100, 1), (102, 1));
    if let tradestream_model::Command::Quote(q) = &mut unknown {
        q.instrument = None;
    }
    assert_eq!(
        run(&mut e, unknown, 1),
        vec![rejected(1, "u", RejectReason::UnknownSymbol)]
    );
    run(
        &mut e,
        tradestream_model::Command::KillSwitch {
            account: tradestream_model::AccountId(1),
            on: true,
        },
        1,
    );
    assert_eq!(
        run(&mut e, quote(1, "k", (0, 1), (102, 1)), 1),
        vec![rejected(1, "k", RejectReason::KillSwitch)]
    );
    run(
        &mut e,
        tradestream_model::Command::Halt {
            instrument: BTC,
            halted: true,
        },
        1,
    );
    assert_eq!(
        run(&mut e, quote(2, "h", (100, 1), (102, 1)), 1),
        vec![rejected(2, "h", RejectReason::InstrumentHalted)]
    );
}

#[test]
fn a_side_may_trade_on_arrival_and_still_counts_as_placed() {
    let mut e = engine();
    run(&mut e, order(2, "ask", Side::Sell, 101, 2), 1);
    run(&mut e, order(3, "bid", Side::Buy, 95, 10), 1);
    let ev = run(&mut e, quote(1, "q", (101, 2), (95, 0)), 2);
    // The bid fills in full against the resting ask; the ask side is absent.
    assert!(matches!(
        ev[1],
        Event::Trade {
            qty: Qty(2),
            price: Price(101),
            ..
        }
    ));
    assert_eq!(ev.last(), Some(&quoted(1, "q", Some(3), None)));
    assert!(open_ids(&e, 1).is_empty());
    // A side crossing the book partially fills and rests the rest.
    let ev = run(&mut e, quote(1, "r", (90, 1), (95, 4)), 3);
    assert!(!ev.contains(&Event::Filled {
        account: tradestream_model::AccountId(3),
        id: cid("bid"),
        instrument: BTC,
    }));
    assert_eq!(ev.last(), Some(&quoted(1, "r", Some(4), Some(5))));
    assert_eq!(open_ids(&e, 3), ["bid"], "10 lots bid, 4 sold into it");
    assert_eq!(open_ids(&e, 1), ["rb"], "the ask filled in full");
}

#[test]
fn a_side_rejected_for_state_is_absent_from_the_quote() {
    let mut e = engine();
    // Account 30 holds nothing: its bid cannot be paid, its ask cannot be delivered.
    let ev = run(&mut e, quote(30, "q", (100, 1), (102, 1)), 1);
    assert_eq!(
        ev,
        vec![
            rejected(30, "qb", RejectReason::InsufficientBalance),
            rejected(30, "qa", RejectReason::InsufficientBalance),
            quoted(30, "q", None, None),
        ]
    );
    // The rejected side ids are not used up; the quote id is.
    run(
        &mut e,
        tradestream_model::Command::Deposit {
            account: tradestream_model::AccountId(30),
            asset: tradestream_model::ShortName::new("USD").unwrap(),
            amount: tradestream_model::Amount(1_000_000_000_000_000_000_000),
        },
        2,
    );
    let mut cmd = quote(30, "q2", (100, 1), (102, 1));
    if let tradestream_model::Command::Quote(q) = &mut cmd {
        q.bid_id = cid("qb");
    }
    assert_eq!(
        run(&mut e, cmd, 3),
        vec![
            accepted(30, "qb", 1, Side::Buy, 100, 1, 3),
            rejected(30, "q2a", RejectReason::InsufficientBalance),
            quoted(30, "q2", Some(1), None),
        ]
    );
    assert_eq!(
        run(&mut e, quote(30, "q", (100, 1), (0, 0)), 4),
        vec![rejected(30, "q", RejectReason::DuplicateId)]
    );
}

#[test]
fn quote_orders_are_ordinary_orders_for_cancel_amend_and_mass_cancel() {
    let mut e = engine();
    run(&mut e, quote(1, "q", (100, 5), (102, 7)), 1);
    let ev = run(
        &mut e,
        tradestream_model::Command::Cancel {
            account: tradestream_model::AccountId(1),
            instrument: Some(BTC),
            id: cid("qb"),
        },
        2,
    );
    assert_eq!(ev, vec![cancelled(1, "qb", CancelReason::User, 5)]);
    let ev = run(
        &mut e,
        tradestream_model::Command::Amend {
            account: tradestream_model::AccountId(1),
            instrument: Some(BTC),
            id: cid("qa"),
            price: Some(Price(104)),
            qty: None,
        },
        3,
    );
    assert!(matches!(
        ev[..],
        [Event::Amended {
            price: Price(104),
            ..
        }]
    ));
    // The amended ask is still the quote's: the next quote replaces it.
    let ev = run(&mut e, quote(1, "r", (100, 1), (0, 0)), 4);
    assert_eq!(ev[0], cancelled(1, "qa", CancelReason::Replaced, 7));
    let ev = run(
        &mut e,
        tradestream_model::Command::MassCancel {
            account: tradestream_model::AccountId(1),
            instrument: None,
        },
        5,
    );
    assert_eq!(ev, vec![cancelled(1, "rb", CancelReason::Mass, 1)]);
}
