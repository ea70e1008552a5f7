//! Market-maker protection in the engine: trips on filled quantity and on net delta within the
//! window, cancels the account's quote orders (`mm_protection`) at the end of the command,
//! refuses quotes while frozen (never plain orders), unfreezes at the freeze end or on a reset;
//! only quote orders count, maker or taker side; the order of the events.

use tradestream_model::{
    AccountId, CancelReason, Command, EngineError, Event, InstrumentId, ProtectionLimits, Qty,
    RejectReason, Side,
};

mod mm;
use mm::*;

fn set(account: u64, window_ms: u64, max_filled: i64, max_delta: i64, freeze_ms: u64) -> Event {
    Event::ProtectionSet {
        account: AccountId(account),
        instrument: BTC,
        limits: ProtectionLimits {
            window_ms,
            max_filled,
            max_delta,
            freeze_ms,
        },
    }
}

#[test]
fn filled_quantity_trips_and_cancels_the_quote_at_the_end_of_the_command() {
    let mut e = engine();
    assert_eq!(
        run(&mut e, protect(1, 1_000, 5, 0, 500), 0),
        vec![set(1, 1_000, 5, 0, 500)]
    );
    run(&mut e, quote(1, "q", (100, 4), (102, 4)), 1);
    // 3 of the bid: under the limit.
    let ev = run(&mut e, order(2, "s", Side::Sell, 100, 3), 2);
    assert!(!ev
        .iter()
        .any(|x| matches!(x, Event::ProtectionTripped { .. })));
    // 2 more of the ask: 5 filled, net +1: trips.
    let ev = run(&mut e, order(2, "b", Side::Buy, 102, 2), 10);
    let n = ev.len();
    assert!(matches!(ev[1], Event::Trade { qty: Qty(2), .. }), "{ev:?}");
    assert_eq!(
        ev.len(),
        6,
        "accepted, trade, filled, then the trip: {ev:?}"
    );
    assert_eq!(
        ev[n - 3..],
        [
            tripped(1, 5, 1, Some(510)),
            cancelled(1, "qb", CancelReason::Protection, 1),
            cancelled(1, "qa", CancelReason::Protection, 2),
        ]
    );
    assert!(open_ids(&e, 1).is_empty());
}

#[test]
fn net_delta_trips_on_either_side() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 0, 3, 0), 0);
    run(&mut e, quote(1, "q", (100, 5), (102, 5)), 1);
    // Sells of the ask offset buys of the bid.
    run(&mut e, order(2, "s1", Side::Sell, 100, 2), 2);
    run(&mut e, order(2, "b1", Side::Buy, 102, 2), 3);
    let ev = run(&mut e, order(2, "b2", Side::Buy, 102, 3), 4);
    // Net -3: the ask sold 5, the bid bought 2. Freeze 0: until a reset.
    assert_eq!(
        ev[ev.len() - 2..],
        [
            tripped(1, 7, -3, None),
            cancelled(1, "qb", CancelReason::Protection, 3),
        ]
    );
}

#[test]
fn frozen_quotes_are_refused_until_the_freeze_ends_plain_orders_are_not() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 2, 0, 500), 0);
    run(&mut e, quote(1, "q", (100, 2), (102, 2)), 1);
    let ev = run(&mut e, order(2, "s", Side::Sell, 100, 2), 10);
    assert!(ev.contains(&tripped(1, 2, 2, Some(510))));
    assert_eq!(
        run(&mut e, quote(1, "r", (100, 1), (102, 1)), 509),
        vec![rejected(1, "r", RejectReason::MmProtection)]
    );
    // Only quotes are refused.
    assert!(matches!(
        run(&mut e, order(1, "plain", Side::Buy, 90, 1), 509)[..],
        [Event::Accepted { .. }]
    ));
    // At the freeze end quoting resumes (the refused quote's id was not used up).
    assert_eq!(
        run(&mut e, quote(1, "r", (100, 1), (102, 1)), 510).last(),
        Some(&quoted(1, "r", Some(5), Some(6)))
    );
}

#[test]
fn mm_protection_comes_after_the_gates_and_before_the_quote_checks() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 1, 0, 0), 0);
    run(&mut e, quote(1, "q", (100, 1), (102, 1)), 1);
    run(&mut e, order(2, "s", Side::Sell, 100, 1), 2);
    // Crossed, duplicate id and frozen: frozen is given.
    assert_eq!(
        run(&mut e, quote(1, "q", (105, 1), (102, 1)), 3),
        vec![rejected(1, "q", RejectReason::MmProtection)]
    );
    run(
        &mut e,
        Command::Halt {
            instrument: BTC,
            halted: true,
        },
        4,
    );
    assert_eq!(
        run(&mut e, quote(1, "q", (105, 1), (102, 1)), 5),
        vec![rejected(1, "q", RejectReason::InstrumentHalted)]
    );
}

#[test]
fn a_reset_unfreezes_and_forgets_the_window() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000_000, 3, 0, 0), 0);
    run(&mut e, quote(1, "q", (100, 3), (102, 3)), 1);
    run(&mut e, order(2, "s", Side::Sell, 100, 3), 2);
    assert_eq!(
        run(&mut e, quote(1, "r", (100, 1), (102, 1)), 900_000),
        vec![rejected(1, "r", RejectReason::MmProtection)]
    );
    assert_eq!(
        run(&mut e, reset(1), 900_001),
        vec![Event::ProtectionReset {
            account: AccountId(1),
            instrument: BTC,
        }]
    );
    run(&mut e, quote(1, "r", (100, 2), (102, 2)), 900_002);
    // The window was forgotten: 2 more lots do not reach 3.
    let ev = run(&mut e, order(2, "s2", Side::Sell, 100, 2), 900_003);
    assert!(
        !ev.iter()
            .any(|x| matches!(x, Event::ProtectionTripped { .. })),
        "{ev:?}"
    );
    assert_eq!(open_ids(&e, 1), ["ra"]);
}

#[test]
fn fills_leave_the_window_after_window_ms() {
    for (second_fill_at, trips) in [(999, true), (1_000, false)] {
        let mut e = engine();
        run(&mut e, protect(1, 1_000, 5, 0, 100), 0);
        run(&mut e, quote(1, "q", (100, 10), (102, 10)), 0);
        run(&mut e, order(2, "s1", Side::Sell, 100, 3), 0);
        let ev = run(&mut e, order(2, "s2", Side::Sell, 100, 2), second_fill_at);
        let tripped = ev
            .iter()
            .any(|x| matches!(x, Event::ProtectionTripped { .. }));
        assert_eq!(tripped, trips, "second fill at {second_fill_at}: {ev:?}");
    }
}

#[test]
fn only_quote_orders_count() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 2, 0, 0), 0);
    run(&mut e, order(1, "plain", Side::Buy, 100, 10), 1);
    let ev = run(&mut e, order(2, "s", Side::Sell, 100, 10), 2);
    assert!(!ev
        .iter()
        .any(|x| matches!(x, Event::ProtectionTripped { .. })));
    // The same account's quote orders do.
    run(&mut e, quote(1, "q", (90, 5), (110, 5)), 3);
    let ev = run(&mut e, order(2, "b2", Side::Buy, 110, 2), 6);
    assert!(ev.contains(&tripped(1, 2, -2, None)), "{ev:?}");
}

#[test]
fn a_side_trading_on_arrival_counts_and_the_trip_follows_quoted() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 2, 0, 0), 0);
    run(&mut e, order(2, "s", Side::Sell, 101, 2), 1);
    let ev = run(&mut e, quote(1, "q", (101, 2), (103, 1)), 2);
    let n = ev.len();
    assert_eq!(ev[n - 4], accepted(1, "qa", 3, Side::Sell, 103, 1, 2));
    assert_eq!(
        ev[n - 3..],
        [
            quoted(1, "q", Some(2), Some(3)),
            tripped(1, 2, 2, None),
            cancelled(1, "qa", CancelReason::Protection, 1),
        ]
    );
}

#[test]
fn another_accounts_quote_tripped_by_a_quote_trips_after_its_quoted() {
    let mut e = engine();
    run(&mut e, protect(2, 1_000, 1, 0, 0), 0);
    run(&mut e, quote(2, "m", (100, 1), (104, 3)), 1);
    let ev = run(&mut e, quote(1, "q", (104, 1), (106, 1)), 2);
    let n = ev.len();
    // Account 1's bid bought 1 of account 2's ask (3 lots): account 2 trips after `quoted`.
    assert!(matches!(ev[1], Event::Trade { qty: Qty(1), .. }), "{ev:?}");
    assert_eq!(
        ev[n - 5..],
        [
            accepted(1, "qa", 4, Side::Sell, 106, 1, 2),
            quoted(1, "q", Some(3), Some(4)),
            tripped(2, 1, -1, None),
            cancelled(2, "mb", CancelReason::Protection, 1),
            cancelled(2, "ma", CancelReason::Protection, 2),
        ]
    );
}

#[test]
fn set_and_reset_need_a_listed_instrument_and_zero_limits_remove() {
    let mut e = engine();
    let mut bad = protect(1, 1_000, 1, 0, 0);
    if let Command::SetProtection { instrument, .. } = &mut bad {
        *instrument = InstrumentId(9);
    }
    assert_eq!(
        run(&mut e, bad, 0),
        vec![Event::Error(EngineError::UnknownInstrument(9))]
    );
    assert_eq!(
        run(
            &mut e,
            Command::ResetProtection {
                account: AccountId(1),
                instrument: InstrumentId(9),
            },
            0
        ),
        vec![Event::Error(EngineError::UnknownInstrument(9))]
    );
    // A reset of a protection never configured is reported all the same.
    assert_eq!(
        run(&mut e, reset(1), 0),
        vec![Event::ProtectionReset {
            account: AccountId(1),
            instrument: BTC,
        }]
    );
    let plain = e.state_hash();
    run(&mut e, protect(1, 1_000, 1, 0, 0), 0);
    assert_ne!(e.state_hash(), plain, "a protection is state");
    assert_eq!(
        run(&mut e, protect(1, 0, 0, 0, 0), 0),
        vec![set(1, 0, 0, 0, 0)]
    );
    assert_eq!(e.state_hash(), plain, "all-zero limits remove it");
    run(&mut e, quote(1, "q", (100, 5), (102, 5)), 1);
    let ev = run(&mut e, order(2, "s", Side::Sell, 100, 5), 2);
    assert!(!ev
        .iter()
        .any(|x| matches!(x, Event::ProtectionTripped { .. })));
}

#[test]
fn replacing_limits_starts_afresh() {
    let mut e = engine();
    run(&mut e, protect(1, 1_000, 2, 0, 0), 0);
    run(&mut e, quote(1, "q", (100, 2), (102, 2)), 1);
    run(&mut e, order(2, "s", Side::Sell, 100, 2), 2);
    run(&mut e, protect(1, 1_000, 3, 0, 0), 3);
    run(&mut e, quote(1, "r", (100, 3), (102, 3)), 4);
    let ev = run(&mut e, order(2, "s2", Side::Sell, 100, 2), 5);
    assert!(
        !ev.iter()
            .any(|x| matches!(x, Event::ProtectionTripped { .. })),
        "{ev:?}"
    );
    let ev = run(&mut e, order(2, "s3", Side::Sell, 100, 1), 6);
    assert!(ev.contains(&tripped(1, 3, 3, None)), "{ev:?}");
}
