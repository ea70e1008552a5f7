//! The exchange application over a real engine: order entry, fills on both sides, cancel,
//! replace, mass cancel, status requests, cancel-on-disconnect and application rejects.

#[path = "exchange_support/mod.rs"]
mod support;

use support::{f, fresh_symbol, Harness};
use tradestream_fix::app::AppError;

const T: &str = "60=20260101-00:00:00.000";

fn limit(cl: &str, sym: &str, side: u8, qty: &str, px: &str) -> String {
    format!("35=D|11={cl}|55={sym}|54={side}|{T}|38={qty}|40=2|44={px}|59=1")
}

#[test]
fn new_order_is_acknowledged_and_bad_orders_are_rejected() {
    let sym = fresh_symbol();
    let other = fresh_symbol();
    let mut h = Harness::new(&[(&[sym.as_str()], false)]);
    h.send(0, &limit("n1", &sym, 1, "1.5", "100.25")).unwrap();
    let er = h.expect(0, "8", &[(11, "n1"), (150, "0")]);
    assert_eq!(f(&er, 39), "0");
    assert_eq!(f(&er, 38), "1.5");
    assert_eq!(f(&er, 44), "100.25");
    assert_eq!(f(&er, 151), "1.5");
    assert_eq!(f(&er, 14), "0");
    assert_eq!(f(&er, 6), "0");
    assert_eq!(f(&er, 59), "1");
    assert_eq!(f(&er, 1), h.accounts[0].0.to_string());
    assert!(f(&er, 37).parse::<u64>().is_ok());
    assert!(f(&er, 17).contains('-'));

    let cases = [
        (limit("b1", &sym, 1, "1", "100.255"), "99", "tick"),
        (limit("b2", &sym, 1, "0.0001", "100"), "13", "lot"),
        (
            limit("b3", "NOPE-USD", 1, "1", "100"),
            "1",
            "unknown symbol",
        ),
        (limit("b4", &other, 1, "1", "100"), "99", "not permitted"),
        (limit("n1", &sym, 1, "1", "100"), "6", "duplicate"),
        (
            format!("35=D|11=b5|55={sym}|54=1|{T}|38=1|40=2|44=100|59=0"),
            "11",
            "TimeInForce 0",
        ),
        (
            format!("35=D|1=999999|11=b6|55={sym}|54=1|{T}|38=1|40=2|44=100"),
            "15",
            "Account",
        ),
        (
            format!("35=D|11=b7|55={sym}|54=1|{T}|38=1|40=2|44=100|18=G"),
            "11",
            "ExecInst",
        ),
    ];
    for (body, reason, text) in &cases {
        h.send(0, body).unwrap();
        let cl = body.split("11=").nth(1).unwrap().split('|').next().unwrap();
        let er = h.expect(0, "8", &[(11, cl), (150, "8")]);
        assert_eq!(f(&er, 39), "8");
        assert_eq!(f(&er, 37), "NONE");
        assert_eq!(f(&er, 103), *reason, "{}", er.printable());
        assert!(f(&er, 58).contains(text), "{}", er.printable());
    }
    // The engine's own rejects: post-only that would cross (n1 trades 1 of 1.5 with s1 first).
    h.send(0, &limit("s1", &sym, 2, "1", "100.25")).unwrap();
    h.expect(0, "8", &[(11, "s1"), (150, "F")]);
    h.send(0, &limit("s2", &sym, 2, "0.5", "101")).unwrap();
    h.expect(0, "8", &[(11, "s2"), (150, "0")]);
    h.send(
        0,
        &format!("35=D|11=p2|55={sym}|54=1|{T}|38=1|40=2|44=101|18=6"),
    )
    .unwrap();
    let er = h.expect(0, "8", &[(11, "p2"), (150, "8")]);
    assert_eq!(f(&er, 58), "post_only_would_cross");
    assert!(!f(&er, 17).starts_with('G'), "engine rejects use <seq>-<n>");
    // A missing price is the application's conditionally required field.
    let r = h.send(0, &format!("35=D|11=c1|55={sym}|54=1|{T}|38=1|40=2"));
    assert_eq!(r, Err(AppError::ConditionallyRequired(44)));
    // A possible resend of a known order re-reports it instead of trading twice.
    h.send(
        0,
        &format!("35=D|97=Y|{}", &limit("n1", &sym, 1, "1.5", "100.25")[5..]),
    )
    .unwrap();
    let er = h.expect(0, "8", &[(11, "n1"), (150, "I")]);
    assert_eq!((f(&er, 39), f(&er, 14), f(&er, 151)), ("1", "1", "0.5"));
}

#[test]
fn crossing_orders_fill_both_sides() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], false), (&[], false)]);
    h.send(0, &limit("ask1", &sym, 2, "2", "100.5")).unwrap();
    h.expect(0, "8", &[(11, "ask1"), (150, "0")]);
    h.send(1, &limit("bid1", &sym, 1, "3", "101")).unwrap();
    h.expect(1, "8", &[(11, "bid1"), (150, "0")]);
    let taker = h.expect(1, "8", &[(11, "bid1"), (150, "F")]);
    let maker = h.expect(0, "8", &[(11, "ask1"), (150, "F")]);
    for (er, status, leaves) in [(&taker, "1", "1"), (&maker, "2", "0")] {
        assert_eq!(f(er, 39), status);
        assert_eq!(f(er, 32), "2");
        assert_eq!(f(er, 31), "100.5");
        assert_eq!(f(er, 14), "2");
        assert_eq!(f(er, 151), leaves);
        assert_eq!(f(er, 6), "100.5");
    }
    assert_eq!(f(&taker, 54), "1");
    assert_eq!(f(&maker, 54), "2");
    // A second fill at another price: the average is exact to 10 decimals.
    h.send(0, &limit("ask2", &sym, 2, "1", "101")).unwrap();
    let taker = h.expect(1, "8", &[(11, "bid1"), (150, "F")]);
    assert_eq!(f(&taker, 39), "2");
    assert_eq!(f(&taker, 14), "3");
    assert_eq!(f(&taker, 151), "0");
    assert_eq!(f(&taker, 31), "101");
    assert_eq!(f(&taker, 6), "100.6666666667");
    let maker = h.expect(0, "8", &[(11, "ask2"), (150, "F")]);
    assert_eq!(f(&maker, 6), "101");
    // A market order against an empty side: accepted, then its remainder cancelled.
    h.send(1, &format!("35=D|11=m1|55={sym}|54=1|{T}|38=1|40=1"))
        .unwrap();
    h.expect(1, "8", &[(11, "m1"), (150, "0")]);
    let er = h.expect(1, "8", &[(11, "m1"), (150, "4")]);
    assert_eq!(f(&er, 58), "ioc_remainder");
}

#[test]
fn cancel_and_replace_follow_the_clordid_chain() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], false)]);
    h.send(0, &limit("o1", &sym, 1, "1", "50")).unwrap();
    let new = h.expect(0, "8", &[(11, "o1"), (150, "0")]);
    h.send(0, &format!("35=F|41=o1|11=c1|55={sym}|54=1|{T}|38=1"))
        .unwrap();
    let er = h.expect(0, "8", &[(11, "c1"), (150, "4")]);
    assert_eq!(
        (f(&er, 41), f(&er, 39), f(&er, 37)),
        ("o1", "4", f(&new, 37))
    );
    assert_eq!(f(&er, 151), "0");
    // Cancelling it again is too late; an unknown order is unknown.
    h.send(0, &format!("35=F|41=c1|11=c2|55={sym}|54=1|{T}|38=1"))
        .unwrap();
    let rj = h.expect(0, "9", &[(11, "c2")]);
    assert_eq!(
        (f(&rj, 102), f(&rj, 434), f(&rj, 39), f(&rj, 41)),
        ("0", "1", "4", "c1")
    );
    h.send(0, &format!("35=F|41=ghost|11=c3|55={sym}|54=1|{T}|38=1"))
        .unwrap();
    let rj = h.expect(0, "9", &[(11, "c3")]);
    assert_eq!((f(&rj, 102), f(&rj, 39), f(&rj, 37)), ("1", "8", "NONE"));

    h.send(0, &limit("o2", &sym, 2, "2", "60")).unwrap();
    h.expect(0, "8", &[(11, "o2"), (150, "0")]);
    h.send(
        0,
        &format!("35=G|41=o2|11=r1|55={sym}|54=2|{T}|38=3|40=2|44=61.5"),
    )
    .unwrap();
    let er = h.expect(0, "8", &[(11, "r1"), (150, "5")]);
    assert_eq!(
        (f(&er, 41), f(&er, 39), f(&er, 38), f(&er, 44)),
        ("o2", "0", "3", "61.5")
    );
    assert_eq!(f(&er, 151), "3");
    // Known by its new id, and by its first.
    h.send(
        0,
        &format!("35=G|41=r1|11=r2|55={sym}|54=2|{T}|38=3|40=2|44=62"),
    )
    .unwrap();
    let er = h.expect(0, "8", &[(11, "r2"), (150, "5")]);
    assert_eq!(f(&er, 41), "r1");
    h.send(
        0,
        &format!("35=G|41=o2|11=r3|55={sym}|54=2|{T}|38=0.0001|40=2|44=62"),
    )
    .unwrap();
    let rj = h.expect(0, "9", &[(11, "r3")]);
    assert_eq!((f(&rj, 434), f(&rj, 102), f(&rj, 39)), ("2", "99", "0"));
    h.send(
        0,
        &format!("35=G|41=nope|11=r4|55={sym}|54=2|{T}|38=1|40=2|44=62"),
    )
    .unwrap();
    let rj = h.expect(0, "9", &[(11, "r4")]);
    assert_eq!((f(&rj, 434), f(&rj, 102)), ("2", "1"));
    h.send(0, &format!("35=F|41=r2|11=c4|55={sym}|54=2|{T}|38=3"))
        .unwrap();
    let er = h.expect(0, "8", &[(11, "c4"), (150, "4")]);
    assert_eq!(f(&er, 41), "r2");
    // A used ClOrdID cannot name a new cancel.
    h.send(0, &format!("35=F|41=c4|11=o1|55={sym}|54=2|{T}|38=3"))
        .unwrap();
    let rj = h.expect(0, "9", &[(11, "o1")]);
    assert_eq!(f(&rj, 102), "6");
}

#[test]
fn mass_cancel_reports_every_cancelled_order() {
    let a = fresh_symbol();
    let b = fresh_symbol();
    let mut h = Harness::new(&[(&[], false)]);
    for (cl, sym) in [("m1", &a), ("m2", &a), ("m3", &b)] {
        h.send(0, &limit(cl, sym, 1, "1", "10")).unwrap();
        h.expect(0, "8", &[(11, cl), (150, "0")]);
    }
    h.send(0, &format!("35=q|11=mc1|530=1|55={a}|{T}")).unwrap();
    h.expect(0, "8", &[(11, "m1"), (150, "4"), (58, "mass")]);
    h.expect(0, "8", &[(11, "m2"), (150, "4")]);
    let r = h.expect(0, "r", &[(11, "mc1")]);
    assert_eq!(
        (f(&r, 530), f(&r, 531), f(&r, 533), f(&r, 55)),
        ("1", "1", "2", a.as_str())
    );
    h.send(0, &format!("35=q|11=mc2|530=7|{T}")).unwrap();
    h.expect(0, "8", &[(11, "m3"), (150, "4")]);
    let r = h.expect(0, "r", &[(11, "mc2")]);
    assert_eq!((f(&r, 531), f(&r, 533)), ("7", "1"));
    h.send(0, &format!("35=q|11=mc3|530=3|{T}")).unwrap();
    let r = h.expect(0, "r", &[(11, "mc3")]);
    assert_eq!((f(&r, 531), f(&r, 532)), ("0", "0"));
    h.send(0, &format!("35=q|11=mc4|530=1|55=NOPE|{T}"))
        .unwrap();
    let r = h.expect(0, "r", &[(11, "mc4")]);
    assert_eq!((f(&r, 531), f(&r, 532)), ("0", "1"));
}

#[test]
fn order_status_and_mass_status() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], false)]);
    h.send(0, "35=AF|584=ms0|585=7").unwrap();
    let er = h.expect(0, "8", &[(584, "ms0")]);
    assert_eq!(
        (f(&er, 150), f(&er, 39), f(&er, 911), f(&er, 912)),
        ("I", "8", "0", "Y")
    );
    for cl in ["s1", "s2"] {
        h.send(0, &limit(cl, &sym, 1, "2", "20")).unwrap();
        h.expect(0, "8", &[(11, cl), (150, "0")]);
    }
    h.send(0, &format!("35=H|11=s1|790=q1|55={sym}|54=1"))
        .unwrap();
    let er = h.expect(0, "8", &[(11, "s1"), (150, "I")]);
    assert_eq!(
        (f(&er, 39), f(&er, 790), f(&er, 151), f(&er, 44)),
        ("0", "q1", "2", "20")
    );
    h.send(0, &format!("35=H|11=zz|55={sym}|54=1")).unwrap();
    let er = h.expect(0, "8", &[(11, "zz"), (150, "I")]);
    assert_eq!(
        (f(&er, 39), f(&er, 103), f(&er, 58)),
        ("8", "5", "unknown order")
    );
    h.send(0, &format!("35=AF|584=ms1|585=1|55={sym}")).unwrap();
    let first = h.expect(0, "8", &[(584, "ms1"), (11, "s1")]);
    let last = h.expect(0, "8", &[(584, "ms1"), (11, "s2")]);
    assert_eq!(
        (f(&first, 150), f(&first, 911), f(&first, 912)),
        ("I", "2", "")
    );
    assert_eq!((f(&last, 911), f(&last, 912)), ("2", "Y"));
    // A cancelled order's status is still known.
    h.send(0, &format!("35=F|41=s1|11=s1c|55={sym}|54=1|{T}|38=2"))
        .unwrap();
    h.expect(0, "8", &[(11, "s1c"), (150, "4")]);
    h.send(0, &format!("35=H|11=s1|55={sym}|54=1")).unwrap();
    let er = h.expect(0, "8", &[(11, "s1c"), (150, "I")]);
    assert_eq!(f(&er, 39), "4");
    h.send(0, "35=AF|584=ms2|585=7").unwrap();
    let er = h.expect(0, "8", &[(584, "ms2")]);
    assert_eq!((f(&er, 11), f(&er, 911), f(&er, 912)), ("s2", "1", "Y"));
}

#[test]
fn cancel_on_disconnect_cancels_the_accounts_orders() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], true), (&[], false)]);
    h.send(0, &limit("d1", &sym, 1, "1", "10")).unwrap();
    h.expect(0, "8", &[(11, "d1"), (150, "0")]);
    h.send(1, &limit("k1", &sym, 1, "1", "10")).unwrap();
    h.expect(1, "8", &[(11, "k1"), (150, "0")]);
    h.logout(0);
    let er = h.expect(0, "8", &[(11, "d1"), (150, "4")]);
    assert_eq!(f(&er, 58), "disconnect");
    h.logout(1);
    let rest = h.drain();
    assert!(
        rest.iter().all(|(_, m)| f(m, 11) != "k1"),
        "session 1 did not ask for cancel-on-disconnect"
    );
}

#[test]
fn unsupported_and_incomplete_messages_are_application_errors() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], false)]);
    let r = h.send(0, "35=R|131=qr1|146=1|55=X");
    assert_eq!(r, Err(AppError::UnsupportedMessageType));
    let r = h.send(0, &format!("35=D|11=x1|54=1|{T}|38=1|40=2|44=1"));
    assert_eq!(r, Err(AppError::ConditionallyRequired(55)));
    let r = h.send(0, &format!("35=D|11=x2|55={sym}|54=1|{T}|40=2|44=1"));
    assert_eq!(r, Err(AppError::ConditionallyRequired(38)));
    let r = h.send(
        0,
        &format!("35=D|11=x3|55={sym}|54=1|{T}|38=1|40=2|44=1|59=6"),
    );
    assert_eq!(r, Err(AppError::ConditionallyRequired(126)));
    let r = h.send(0, "35=AF|584=m|585=3");
    assert!(matches!(r, Err(AppError::Business { reason: 0, .. })));
    assert!(h.drain().is_empty());
}
