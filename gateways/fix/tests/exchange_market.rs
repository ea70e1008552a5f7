//! The exchange application over a real engine: market data snapshots and incremental
//! refreshes, market data rejects, and the security list.

#[path = "exchange_support/mod.rs"]
mod support;

use support::{f, fresh_symbol, Harness};
use tradestream_fix::codec::parse::Message;

const T: &str = "60=20260101-00:00:00.000";

fn limit(cl: &str, sym: &str, side: u8, qty: &str, px: &str) -> String {
    format!("35=D|11={cl}|55={sym}|54={side}|{T}|38={qty}|40=2|44={px}")
}

/// The repeating group entries of `m` as `tag=value` lists, split at `delim`.
fn entries(m: &Message, delim: i32) -> Vec<Vec<(i32, String)>> {
    let mut v: Vec<Vec<(i32, String)>> = Vec::new();
    let mut inside = false;
    for fl in m.fields() {
        if fl.tag == delim {
            v.push(Vec::new());
            inside = true;
        } else if fl.tag == 10 {
            inside = false;
        }
        if inside {
            let value = String::from_utf8_lossy(m.value(fl)).into_owned();
            v.last_mut().unwrap().push((fl.tag, value));
        }
    }
    v
}

fn get(e: &[(i32, String)], tag: i32) -> &str {
    e.iter().find(|(t, _)| *t == tag).map_or("", |(_, v)| v)
}

#[test]
fn snapshot_then_incremental_refreshes() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[], false), (&[], false)]);
    h.send(0, &limit("a1", &sym, 2, "2", "101.5")).unwrap();
    h.expect(0, "8", &[(11, "a1"), (150, "0")]);
    h.send(0, &limit("b1", &sym, 1, "1.25", "100")).unwrap();
    h.expect(0, "8", &[(11, "b1"), (150, "0")]);

    let v = format!("35=V|262=md1|263=1|264=0|265=1|267=3|269=0|269=1|269=2|146=1|55={sym}");
    h.send(1, &v).unwrap();
    let w = h.expect(1, "W", &[(262, "md1")]);
    assert_eq!((f(&w, 55), f(&w, 268)), (sym.as_str(), "2"));
    let e = entries(&w, 269);
    assert_eq!(
        (get(&e[0], 269), get(&e[0], 270), get(&e[0], 271)),
        ("0", "100", "1.25")
    );
    assert_eq!(
        (get(&e[1], 269), get(&e[1], 270), get(&e[1], 271)),
        ("1", "101.5", "2")
    );

    // A new order: a new bid level.
    h.send(0, &limit("b2", &sym, 1, "0.5", "100.5")).unwrap();
    let x = h.expect(1, "X", &[(262, "md1")]);
    let e = entries(&x, 279);
    assert_eq!(e.len(), 1);
    let want = ["0", "0", sym.as_str(), "100.5", "0.5"];
    let got: Vec<&str> = [279, 269, 55, 270, 271]
        .iter()
        .map(|t| get(&e[0], *t))
        .collect();
    assert_eq!(got, want);

    // More at an existing level: a change.
    h.send(0, &limit("b3", &sym, 1, "1", "100")).unwrap();
    let x = h.expect(1, "X", &[(262, "md1")]);
    let e = entries(&x, 279);
    assert_eq!(
        (get(&e[0], 279), get(&e[0], 270), get(&e[0], 271)),
        ("1", "100", "2.25")
    );

    // A trade taking the whole ask level: the level is deleted and the trade printed.
    h.send(0, &limit("t1", &sym, 1, "2", "102")).unwrap();
    let x = h.expect(1, "X", &[(262, "md1")]);
    let e = entries(&x, 279);
    let del = e
        .iter()
        .find(|e| get(e, 269) == "1")
        .expect("ask level entry");
    assert_eq!(
        (get(del, 279), get(del, 270), get(del, 271)),
        ("2", "101.5", "")
    );
    let trade = e.iter().find(|e| get(e, 269) == "2").expect("trade entry");
    assert_eq!(
        (get(trade, 279), get(trade, 270), get(trade, 271)),
        ("0", "101.5", "2")
    );

    // After unsubscribing, nothing more.
    h.send(
        1,
        &format!("35=V|262=md1|263=2|264=0|267=1|269=0|146=1|55={sym}"),
    )
    .unwrap();
    h.send(0, &limit("b4", &sym, 1, "1", "99")).unwrap();
    h.expect(0, "8", &[(11, "b4"), (150, "0")]);
    let rest = h.drain();
    assert!(
        rest.iter().all(|(s, _)| *s == 0),
        "no market data after unsubscribing"
    );
}

#[test]
fn snapshot_only_top_of_book_and_rejects() {
    let sym = fresh_symbol();
    let other = fresh_symbol();
    let mut h = Harness::new(&[(&[sym.as_str()], false)]);
    for (cl, px) in [("b1", "10"), ("b2", "11"), ("b3", "12")] {
        h.send(0, &limit(cl, &sym, 1, "1", px)).unwrap();
        h.expect(0, "8", &[(11, cl), (150, "0")]);
    }
    h.send(
        0,
        &format!("35=V|262=s1|263=0|264=2|267=1|269=0|146=1|55={sym}"),
    )
    .unwrap();
    let w = h.expect(0, "W", &[(262, "s1")]);
    let e = entries(&w, 269);
    let px: Vec<&str> = e.iter().map(|e| get(e, 270)).collect();
    assert_eq!(px, ["12", "11"]);
    let rejects = [
        (
            "35=V|262=r1|263=1|264=0|267=1|269=0|146=1|55=NOPE".to_string(),
            "0",
        ),
        (
            format!("35=V|262=r2|263=1|264=0|267=1|269=0|146=1|55={other}"),
            "3",
        ),
        (
            format!("35=V|262=r3|263=1|264=0|267=1|269=4|146=1|55={sym}"),
            "8",
        ),
        (
            format!("35=V|262=r4|263=1|264=0|265=0|267=1|269=0|146=1|55={sym}"),
            "6",
        ),
        (
            format!("35=V|262=r5|263=1|264=5000|267=1|269=0|146=1|55={sym}"),
            "5",
        ),
    ];
    for (body, reason) in &rejects {
        h.send(0, body).unwrap();
        let id = body
            .split("262=")
            .nth(1)
            .unwrap()
            .split('|')
            .next()
            .unwrap();
        let y = h.expect(0, "Y", &[(262, id)]);
        assert_eq!(f(&y, 281), *reason, "{}", y.printable());
    }
    h.send(
        0,
        &format!("35=V|262=d1|263=1|264=1|267=1|269=0|146=1|55={sym}"),
    )
    .unwrap();
    h.expect(0, "W", &[(262, "d1")]);
    h.send(
        0,
        &format!("35=V|262=d1|263=1|264=1|267=1|269=0|146=1|55={sym}"),
    )
    .unwrap();
    let y = h.expect(0, "Y", &[(262, "d1")]);
    assert_eq!(f(&y, 281), "1");
    // Snapshot-only requests leave no subscription behind; top-1 sees the new best bid.
    h.send(0, &limit("b5", &sym, 1, "1", "13")).unwrap();
    let x = h.expect(0, "X", &[(262, "d1")]);
    let e = entries(&x, 279);
    let actions: Vec<(&str, &str)> = e.iter().map(|e| (get(e, 279), get(e, 270))).collect();
    assert_eq!(actions, [("0", "13"), ("2", "12")]);
    assert!(h.drain().iter().all(|(_, m)| f(m, 262) != "s1"));
}

#[test]
fn security_list_shows_the_permitted_instruments() {
    let sym = fresh_symbol();
    let mut h = Harness::new(&[(&[sym.as_str()], false), (&[], false)]);
    h.send(0, "35=x|320=sl1|559=4").unwrap();
    let y = h.expect(0, "y", &[(320, "sl1")]);
    assert_eq!((f(&y, 560), f(&y, 146), f(&y, 893)), ("0", "1", "Y"));
    let e = entries(&y, 55);
    let got: Vec<&str> = [55, 15, 561, 562, 58]
        .iter()
        .map(|t| get(&e[0], *t))
        .collect();
    assert_eq!(got, [sym.as_str(), "USD", "0.001", "0.001", "tick=0.01"]);
    h.send(1, "35=x|320=sl2|559=4").unwrap();
    let y = h.expect(1, "y", &[(320, "sl2")]);
    assert_eq!(f(&y, 146), "12");
    h.send(1, &format!("35=x|320=sl3|559=0|55={sym}")).unwrap();
    let y = h.expect(1, "y", &[(320, "sl3")]);
    assert_eq!((f(&y, 560), f(&y, 55)), ("0", sym.as_str()));
    h.send(0, "35=x|320=sl4|559=0|55=S11-USD").unwrap();
    let y = h.expect(0, "y", &[(320, "sl4")]);
    assert_eq!(f(&y, 560), "2");
    h.send(0, "35=x|320=sl5|559=2").unwrap();
    let y = h.expect(0, "y", &[(320, "sl5")]);
    assert_eq!(f(&y, 560), "1");
}
