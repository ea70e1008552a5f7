//! From LOBSTER messages to `simulate` command lines.
//!
//! Instrument: `GOOG`, spot, base `GOOG`, quote `USD`, tick `0.0001` (LOBSTER prices are dollars x
//! 10000, so one LOBSTER price unit is one tick) and lot `1` (one share).
//!
//! Accounts (each gets a deposit far beyond anything the day can hold, so balances never limit):
//! - 1: every LOBSTER buy order, 2: every LOBSTER sell order. One account per side rather than
//!   one per order: LOBSTER order ids are unique, so they serve as client order ids as they are
//!   (`"15818974"`), an order's account follows from its side, and no `deposit` line is needed
//!   per order. Self-trade cannot interfere: LOBSTER's limit orders never cross (an aggressive
//!   order shows up as executions of the orders it hit), and every order carries `stp` none,
//!   under which an account may trade with itself anyway.
//! - 3: synthetic orders (`"p<n>"` seeded before the first message for the book resting before
//!   09:30, `"s<n>"` added later for changes that happened out of view), see `reconcile`.
//! - 4: the aggressor of executions replayed as IOC orders (`"x<k>"`, k = message index).
//!
//! Messages (one message becomes at most a few command lines):
//! - type 1 (new limit order): `new`, `limit`, `gtc`, at the message's price and size.
//! - type 2 (partial cancel of `size`): `amend` the named order down to `leaves - size` (the
//!   engine's `qty` is the total order quantity, so the line says `filled + leaves - size`).
//! - type 3 (deletion): `cancel` the named order.
//! - type 4 (execution of `size`), mode [`Mode::Amends`]: as type 2, and a `cancel` when the
//!   execution takes all that is left (an amend to zero is `invalid_qty`).
//! - type 4, mode [`Mode::Ioc`]: an IOC limit order of `size` at the named order's price on the
//!   opposite side from account 4; the `trade` events' `maker_id` tell which order(s) it hit.
//! - types 5 (hidden execution), 6 (cross trade), 7 (trading halt): no visible book effect (the
//!   book file repeats the previous row), nothing is sent.
//!
//! Types 2, 3 and 4-as-amend change one price level by exactly `size`. When the named order is
//! unknown to the engine (it rested before 09:30 or arrived out of view) or holds a different
//! quantity than LOBSTER says (an earlier IOC hit another order, or a reconciliation had to cut
//! it), the difference is taken from other orders of the same level, see [`plan_reduction`].

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::data::{Message, Side};
use crate::mirror::Mirror;

pub const SYMBOL: &str = "GOOG";
pub const BASE: &str = "GOOG";
pub const QUOTE: &str = "USD";
pub const TICK: &str = "0.0001";
pub const LOT: &str = "1";
/// Decimal places of a LOBSTER price (dollars x 10000).
pub const PRICE_DECIMALS: u32 = 4;

pub const ACCOUNT_BUYS: u64 = 1;
pub const ACCOUNT_SELLS: u64 = 2;
pub const ACCOUNT_SYNTHETIC: u64 = 3;
pub const ACCOUNT_AGGRESSOR: u64 = 4;
/// Deposited in each asset to each account: 10^15 dollars or shares, far above the day's needs
/// (a few thousand resting orders of a few hundred shares at about $580).
pub const DEPOSIT: &str = "1000000000000000";

/// How type 4 (visible execution) messages are replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// An amend down (or cancel) of the named order.
    Amends,
    /// An aggressive IOC order that must hit the named order.
    Ioc,
}

/// An engine order, by what the test placed it for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A LOBSTER order, by its LOBSTER id.
    Real(u64),
    /// A synthetic order seeded before the first message (the book resting before 09:30).
    Seed(u64),
    /// A synthetic order added later by reconciliation (a change that happened out of view).
    Synthetic(u64),
    /// An IOC order replaying the execution message with this index.
    Aggressor(u64),
}

impl Key {
    /// The account that holds the order, for an order of `side`.
    pub fn account(self, side: Side) -> u64 {
        match self {
            Key::Real(_) => match side {
                Side::Buy => ACCOUNT_BUYS,
                Side::Sell => ACCOUNT_SELLS,
            },
            Key::Seed(_) | Key::Synthetic(_) => ACCOUNT_SYNTHETIC,
            Key::Aggressor(_) => ACCOUNT_AGGRESSOR,
        }
    }

    /// The client order id on the wire.
    pub fn wire_id(self) -> String {
        match self {
            Key::Real(n) => n.to_string(),
            Key::Seed(n) => format!("p{n}"),
            Key::Synthetic(n) => format!("s{n}"),
            Key::Aggressor(n) => format!("x{n}"),
        }
    }

    /// The key of an engine order, from its account and client order id.
    pub fn from_wire(account: u64, id: &str) -> Option<Key> {
        let num = |s: &str| -> Option<u64> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        match account {
            ACCOUNT_BUYS | ACCOUNT_SELLS => num(id).map(Key::Real),
            ACCOUNT_SYNTHETIC => match id.split_at_checked(1)? {
                ("p", n) => num(n).map(Key::Seed),
                ("s", n) => num(n).map(Key::Synthetic),
                _ => None,
            },
            ACCOUNT_AGGRESSOR => id.strip_prefix('x').and_then(num).map(Key::Aggressor),
            _ => None,
        }
    }

    pub fn is_synthetic(self) -> bool {
        matches!(self, Key::Seed(_) | Key::Synthetic(_))
    }
}

/// A LOBSTER price (dollars x 10000) as a decimal string: `5794000` -> `"579.4000"`.
pub fn price_str(p: i64) -> String {
    assert!(p > 0, "price {p}");
    format!("{}.{:04}", p / 10_000, p % 10_000)
}

/// A decimal string as an integer of 10^-`decimals` units, if exact: `("579.4", 4)` -> 5794000.
pub fn parse_scaled(s: &str, decimals: u32) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (digits.contains('.') && frac.is_empty())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return None;
    }
    let mut v: i64 = whole.parse().ok()?;
    for i in 0..decimals as usize {
        let d = frac.as_bytes().get(i).map_or(0, |b| (b - b'0') as i64);
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(if neg { -v } else { v })
}

/// The lines that list the instrument and fund the accounts.
pub fn setup_lines(out: &mut String) {
    let _ = writeln!(
        out,
        r#"{{"op":"instrument","symbol":"{SYMBOL}","kind":"spot","base":"{BASE}","quote":"{QUOTE}","tick":"{TICK}","lot":"{LOT}"}}"#
    );
    for account in [
        ACCOUNT_BUYS,
        ACCOUNT_SELLS,
        ACCOUNT_SYNTHETIC,
        ACCOUNT_AGGRESSOR,
    ] {
        for asset in [BASE, QUOTE] {
            let _ = writeln!(
                out,
                r#"{{"op":"deposit","account":{account},"asset":"{asset}","amount":"{DEPOSIT}"}}"#
            );
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tif {
    Gtc,
    Ioc,
}

/// A `new` limit order line.
pub fn new_limit(out: &mut String, key: Key, side: Side, price: i64, qty: i64, tif: Tif) {
    let tif = match tif {
        Tif::Gtc => "gtc",
        Tif::Ioc => "ioc",
    };
    let _ = writeln!(
        out,
        r#"{{"op":"new","account":{},"symbol":"{SYMBOL}","id":"{}","side":"{}","type":"limit","price":"{}","qty":"{qty}","tif":"{tif}","stp":"none"}}"#,
        key.account(side),
        key.wire_id(),
        side.as_str(),
        price_str(price)
    );
}

/// An `amend` line setting the total order quantity to `qty`.
pub fn amend_qty(out: &mut String, key: Key, side: Side, qty: i64) {
    let _ = writeln!(
        out,
        r#"{{"op":"amend","account":{},"symbol":"{SYMBOL}","id":"{}","qty":"{qty}"}}"#,
        key.account(side),
        key.wire_id()
    );
}

/// A `cancel` line.
pub fn cancel(out: &mut String, key: Key, side: Side) {
    let _ = writeln!(
        out,
        r#"{{"op":"cancel","account":{},"symbol":"{SYMBOL}","id":"{}"}}"#,
        key.account(side),
        key.wire_id()
    );
}

/// A `book` query line.
pub fn book_query(out: &mut String, depth: usize) {
    let _ = writeln!(
        out,
        r#"{{"op":"book","symbol":"{SYMBOL}","depth":{depth}}}"#
    );
}

/// What a message asks of the book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Type 1: a new resting order.
    Add {
        id: u64,
        side: Side,
        price: i64,
        qty: i64,
    },
    /// Types 2, 3 and 4: the named order loses `qty`; the level at `price` shrinks by `qty`.
    Reduce {
        id: u64,
        side: Side,
        price: i64,
        qty: i64,
        /// Type 3: LOBSTER deletes what is left of the order.
        delete: bool,
        /// Type 4.
        execution: bool,
    },
    /// Types 5, 6, 7: no visible effect.
    Skip,
}

pub fn intent(m: &Message) -> Intent {
    let (id, side, price, qty) = (m.order_id, m.side(), m.price, m.size);
    match m.kind {
        1 => Intent::Add {
            id,
            side,
            price,
            qty,
        },
        2..=4 => Intent::Reduce {
            id,
            side,
            price,
            qty,
            delete: m.kind == 3,
            execution: m.kind == 4,
        },
        _ => Intent::Skip,
    }
}

/// The signed change a message makes to the visible level at its price (0 for 5, 6, 7).
pub fn level_change(m: &Message) -> i64 {
    match m.kind {
        1 => m.size,
        2..=4 => -m.size,
        _ => 0,
    }
}

/// What LOBSTER says about its orders: for each order the replay placed (type 1), its side,
/// price and the quantity LOBSTER still shows (it leaves when LOBSTER deletes it or executes it
/// in full); and, for every order id, what the messages not yet replayed will do to it.
#[derive(Clone, Debug, Default)]
pub struct LobsterOrders {
    orders: HashMap<u64, (Side, i64, i64)>,
    /// Sum of the sizes of the messages not yet replayed that name the order (types 2, 3, 4),
    /// and whether the last of them is a deletion.
    future: HashMap<u64, (i64, bool)>,
}

impl LobsterOrders {
    /// Knows the whole message file in advance.
    pub fn new(messages: &[Message]) -> LobsterOrders {
        let mut future: HashMap<u64, (i64, bool)> = HashMap::new();
        for m in messages.iter().filter(|m| (2..=4).contains(&m.kind)) {
            let f = future.entry(m.order_id).or_default();
            f.0 += m.size;
            f.1 = m.kind == 3;
        }
        LobsterOrders {
            orders: HashMap::new(),
            future,
        }
    }

    pub fn add(&mut self, id: u64, side: Side, price: i64, qty: i64) {
        self.orders.insert(id, (side, price, qty));
    }

    /// Replays a type 2, 3 or 4 message naming `id`.
    pub fn reduce(&mut self, id: u64, qty: i64, delete: bool) {
        if let Some(f) = self.future.get_mut(&id) {
            f.0 -= qty;
            if f.0 <= 0 {
                self.future.remove(&id);
            }
        }
        if let Some(o) = self.orders.get_mut(&id) {
            o.2 -= qty;
            if delete || o.2 <= 0 {
                self.orders.remove(&id);
            }
        }
    }

    /// The quantity LOBSTER shows for an order the replay placed; None if it never did or the
    /// order is gone.
    pub fn leaves(&self, id: u64) -> Option<i64> {
        self.orders.get(&id).map(|o| o.2)
    }

    pub fn contains(&self, id: u64) -> bool {
        self.orders.contains_key(&id)
    }

    /// What an order should hold now, as far as the rest of the message file tells: nothing
    /// if no later message names it (it may have vanished out of view, or rest until the
    /// close; either way nothing depends on it); exactly what later messages take if the last
    /// of them deletes it; else what LOBSTER shows.
    pub fn expected(&self, id: u64) -> i64 {
        match self.future.get(&id) {
            None => 0,
            Some(&(qty, true)) => qty,
            Some(_) => self.leaves(id).unwrap_or(0),
        }
    }
}

/// A planned change to one engine order: its open quantity becomes `new_leaves` (0: cancel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub key: Key,
    pub side: Side,
    pub new_leaves: i64,
}

/// How a level reduction was covered, in shares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reduction {
    /// From the named order.
    pub named: i64,
    /// From other real orders' surplus: what they hold above [`LobsterOrders::expected`] (all of
    /// it for an order no later message names).
    pub surplus: i64,
    /// From synthetic orders.
    pub synthetic: i64,
    /// From other real orders beyond their surplus.
    pub real: i64,
    /// Not covered: the level holds less than that.
    pub shortfall: i64,
}

/// Plans taking `qty` from the engine's level `side`/`price`: first from the named LOBSTER
/// order (`named`, if the engine holds it there), then from other real orders' surplus over
/// what the rest of the message file needs of them ([`LobsterOrders::expected`]; newest
/// first), then from synthetic orders (oldest first when a message names an order, as a
/// message naming an order the engine never saw most likely concerns one that rested before
/// 09:30, which the seed, at the front of the queue, stands for; newest first otherwise), then
/// from other real orders (newest first). Several takes from one order merge into one step.
pub fn plan_reduction(
    mirror: &Mirror,
    lobster: &LobsterOrders,
    side: Side,
    price: i64,
    qty: i64,
    named: Option<u64>,
) -> (Vec<Step>, Reduction) {
    let mut red = Reduction::default();
    let Some(level) = mirror.level(side, price) else {
        red.shortfall = qty;
        return (Vec::new(), red);
    };
    let leaves_of = |k: Key| mirror.order(k).map_or(0, |o| o.leaves);
    // (key, leaves, taken so far), in the order first taken
    let mut taken: Vec<(Key, i64, i64)> = Vec::new();
    let mut remaining = qty;
    let mut take = |k: Key, limit: i64, remaining: &mut i64| -> i64 {
        let i = match taken.iter().position(|t| t.0 == k) {
            Some(i) => i,
            None => {
                taken.push((k, leaves_of(k), 0));
                taken.len() - 1
            }
        };
        let t = (*remaining).min(limit).min(taken[i].1 - taken[i].2).max(0);
        taken[i].2 += t;
        *remaining -= t;
        t
    };
    let named_key = named.map(Key::Real);
    if let Some(k) = named_key {
        if level.queue.contains(&k) {
            red.named += take(k, i64::MAX, &mut remaining);
        }
    }
    for &k in level.queue.iter().rev() {
        if remaining == 0 {
            break;
        }
        if let Key::Real(id) = k {
            if Some(k) != named_key {
                let surplus = leaves_of(k) - lobster.expected(id);
                if surplus > 0 {
                    red.surplus += take(k, surplus, &mut remaining);
                }
            }
        }
    }
    let synthetic: Vec<Key> = if named.is_some() {
        level
            .queue
            .iter()
            .copied()
            .filter(|k| k.is_synthetic())
            .collect()
    } else {
        level
            .queue
            .iter()
            .rev()
            .copied()
            .filter(|k| k.is_synthetic())
            .collect()
    };
    for k in synthetic {
        if remaining == 0 {
            break;
        }
        red.synthetic += take(k, i64::MAX, &mut remaining);
    }
    for &k in level.queue.iter().rev() {
        if remaining == 0 {
            break;
        }
        if matches!(k, Key::Real(_)) && Some(k) != named_key {
            red.real += take(k, i64::MAX, &mut remaining);
        }
    }
    red.shortfall = remaining;
    let steps = taken
        .into_iter()
        .filter(|t| t.2 > 0)
        .map(|(key, leaves, t)| Step {
            key,
            side,
            new_leaves: leaves - t,
        })
        .collect();
    (steps, red)
}

/// The command lines for planned steps: `cancel` at zero, else an `amend` of the total
/// quantity (filled + new leaves).
pub fn step_lines(out: &mut String, mirror: &Mirror, steps: &[Step]) {
    for s in steps {
        let o = mirror
            .order(s.key)
            .expect("planned step on an order the engine holds");
        if s.new_leaves == 0 {
            cancel(out, s.key, s.side);
        } else {
            amend_qty(out, s.key, s.side, o.qty - o.leaves + s.new_leaves);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Event;

    #[test]
    fn prices_and_decimals() {
        assert_eq!(price_str(5794000), "579.4000");
        assert_eq!(price_str(5794123), "579.4123");
        assert_eq!(price_str(1), "0.0001");
        assert_eq!(parse_scaled("579.4", 4), Some(5794000));
        assert_eq!(parse_scaled("579.4123", 4), Some(5794123));
        assert_eq!(parse_scaled("579.41230", 4), Some(5794123));
        assert_eq!(parse_scaled("496", 0), Some(496));
        assert_eq!(parse_scaled("-3", 0), Some(-3));
        assert_eq!(parse_scaled("0.0001", 4), Some(1));
        assert_eq!(parse_scaled("0.00001", 4), None);
        assert_eq!(parse_scaled("1.", 4), None);
        assert_eq!(parse_scaled(".5", 4), None);
        assert_eq!(parse_scaled("1e2", 4), None);
        assert_eq!(parse_scaled("", 0), None);
    }

    #[test]
    fn wire_ids_round_trip() {
        for (k, side) in [
            (Key::Real(15818974), Side::Buy),
            (Key::Real(7), Side::Sell),
            (Key::Seed(3), Side::Buy),
            (Key::Synthetic(12), Side::Sell),
            (Key::Aggressor(99), Side::Buy),
        ] {
            assert_eq!(Key::from_wire(k.account(side), &k.wire_id()), Some(k));
        }
        assert_eq!(Key::Real(5).account(Side::Buy), ACCOUNT_BUYS);
        assert_eq!(Key::Real(5).account(Side::Sell), ACCOUNT_SELLS);
        assert_eq!(Key::from_wire(3, "x1"), None);
        assert_eq!(Key::from_wire(1, "s1"), None);
        assert_eq!(Key::from_wire(9, "1"), None);
        assert_eq!(Key::from_wire(3, ""), None);
    }

    #[test]
    fn command_lines() {
        let mut out = String::new();
        new_limit(
            &mut out,
            Key::Real(11885113),
            Side::Buy,
            5786300,
            100,
            Tif::Gtc,
        );
        amend_qty(&mut out, Key::Real(11885113), Side::Buy, 60);
        cancel(&mut out, Key::Synthetic(4), Side::Sell);
        new_limit(
            &mut out,
            Key::Aggressor(17),
            Side::Sell,
            5786300,
            40,
            Tif::Ioc,
        );
        book_query(&mut out, 10);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            serde_json::json!({"op":"new","account":1,"symbol":"GOOG","id":"11885113","side":"buy",
                "type":"limit","price":"578.6300","qty":"100","tif":"gtc","stp":"none"})
        );
        assert_eq!(
            lines[1],
            serde_json::json!({"op":"amend","account":1,"symbol":"GOOG","id":"11885113","qty":"60"})
        );
        assert_eq!(
            lines[2],
            serde_json::json!({"op":"cancel","account":3,"symbol":"GOOG","id":"s4"})
        );
        assert_eq!(lines[3]["account"], 4);
        assert_eq!(lines[3]["tif"], "ioc");
        assert_eq!(lines[3]["side"], "sell");
        assert_eq!(
            lines[4],
            serde_json::json!({"op":"book","symbol":"GOOG","depth":10})
        );
        let mut setup = String::new();
        setup_lines(&mut setup);
        for l in setup.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["op"] == "instrument" || v["op"] == "deposit", "{l}");
        }
        assert_eq!(setup.lines().count(), 9);
    }

    #[test]
    fn intents() {
        let m = |kind, size| Message {
            time_ns: 0,
            kind,
            order_id: 42,
            size,
            price: 5790000,
            direction: -1,
        };
        assert_eq!(
            intent(&m(1, 100)),
            Intent::Add {
                id: 42,
                side: Side::Sell,
                price: 5790000,
                qty: 100
            }
        );
        assert!(matches!(
            intent(&m(3, 100)),
            Intent::Reduce {
                delete: true,
                execution: false,
                ..
            }
        ));
        assert!(matches!(
            intent(&m(4, 10)),
            Intent::Reduce {
                delete: false,
                execution: true,
                qty: 10,
                ..
            }
        ));
        assert!(matches!(
            intent(&m(2, 10)),
            Intent::Reduce {
                delete: false,
                execution: false,
                ..
            }
        ));
        for k in [5, 6, 7] {
            assert_eq!(intent(&m(k, 1)), Intent::Skip);
            assert_eq!(level_change(&m(k, 1)), 0);
        }
        assert_eq!(level_change(&m(1, 7)), 7);
        assert_eq!(level_change(&m(4, 7)), -7);
    }

    fn msg(kind: u8, order_id: u64, size: i64) -> Message {
        Message {
            time_ns: 0,
            kind,
            order_id,
            size,
            price: 100,
            direction: 1,
        }
    }

    /// A mirror holding, at bid 100: seed p1 (50), real 1 (30, deleted later with 30), real 2
    /// (40, deleted later with 25: surplus 15), synthetic s1 (20), real 3 (10, executed later
    /// by 4, LOBSTER shows 10).
    fn level_fixture() -> (Mirror, LobsterOrders) {
        let mut m = Mirror::default();
        let mut l = LobsterOrders::new(&[msg(3, 1, 30), msg(3, 2, 25), msg(4, 3, 4)]);
        for (k, q) in [
            (Key::Seed(1), 50),
            (Key::Real(1), 30),
            (Key::Real(2), 40),
            (Key::Synthetic(1), 20),
            (Key::Real(3), 10),
        ] {
            m.apply(&Event::Accepted {
                key: k,
                side: Side::Buy,
                price: Some(100),
                qty: q,
            });
        }
        l.add(1, Side::Buy, 100, 30);
        l.add(2, Side::Buy, 100, 40);
        l.add(3, Side::Buy, 100, 10);
        assert_eq!((l.expected(1), l.expected(2), l.expected(3)), (30, 25, 10));
        (m, l)
    }

    #[test]
    fn reduction_takes_the_named_order() {
        let (m, l) = level_fixture();
        let (steps, red) = plan_reduction(&m, &l, Side::Buy, 100, 10, Some(1));
        assert_eq!(
            steps,
            vec![Step {
                key: Key::Real(1),
                side: Side::Buy,
                new_leaves: 20
            }]
        );
        assert_eq!(
            red,
            Reduction {
                named: 10,
                ..Default::default()
            }
        );
        let (steps, _) = plan_reduction(&m, &l, Side::Buy, 100, 30, Some(1));
        assert_eq!(steps[0].new_leaves, 0);
        let mut out = String::new();
        step_lines(&mut out, &m, &steps);
        assert!(out.contains(r#""op":"cancel""#) && out.contains(r#""id":"1""#));
    }

    #[test]
    fn reduction_falls_back_to_surplus_then_synthetic_then_real() {
        let (m, l) = level_fixture();
        // named 3 holds 10: 10 from it, 15 surplus of 2, then synthetic front first (p1).
        let (steps, red) = plan_reduction(&m, &l, Side::Buy, 100, 45, Some(3));
        assert_eq!(
            red,
            Reduction {
                named: 10,
                surplus: 15,
                synthetic: 20,
                ..Default::default()
            }
        );
        assert!(steps.contains(&Step {
            key: Key::Seed(1),
            side: Side::Buy,
            new_leaves: 30
        }));
        // unknown named order: synthetic, oldest first
        let (steps, red) = plan_reduction(&m, &l, Side::Buy, 100, 60, Some(999));
        assert_eq!((red.named, red.surplus, red.synthetic), (0, 15, 45));
        assert!(steps.contains(&Step {
            key: Key::Seed(1),
            side: Side::Buy,
            new_leaves: 5
        }));
        // reconciliation (no name): synthetic newest first, then real newest first
        let (steps, red) = plan_reduction(&m, &l, Side::Buy, 100, 100, None);
        assert_eq!((red.surplus, red.synthetic, red.real), (15, 70, 15));
        assert!(steps.contains(&Step {
            key: Key::Synthetic(1),
            side: Side::Buy,
            new_leaves: 0
        }));
        assert!(steps.contains(&Step {
            key: Key::Real(3),
            side: Side::Buy,
            new_leaves: 0
        }));
        assert!(steps.contains(&Step {
            key: Key::Real(2),
            side: Side::Buy,
            new_leaves: 20
        }));
        // more than the level holds
        let (_, red) = plan_reduction(&m, &l, Side::Buy, 100, 200, None);
        assert_eq!(red.shortfall, 50);
        let (steps, red) = plan_reduction(&m, &l, Side::Buy, 101, 5, Some(1));
        assert!(steps.is_empty());
        assert_eq!(red.shortfall, 5);
    }

    #[test]
    fn lobster_orders() {
        let mut l = LobsterOrders::new(&[
            msg(1, 1, 30),
            msg(2, 1, 10),
            msg(4, 1, 20),
            msg(1, 2, 30),
            msg(3, 2, 30),
            msg(4, 4, 5),
            msg(3, 4, 6),
        ]);
        l.add(1, Side::Buy, 100, 30);
        assert_eq!(
            l.expected(1),
            30,
            "not deleted at the end: what LOBSTER shows"
        );
        l.reduce(1, 10, false);
        assert_eq!(l.leaves(1), Some(20));
        assert_eq!(l.expected(1), 20);
        l.reduce(1, 20, false);
        assert!(!l.contains(1));
        assert_eq!(l.expected(1), 0);
        l.add(2, Side::Buy, 100, 30);
        l.reduce(2, 30, true);
        assert_eq!(l.leaves(2), None);
        l.reduce(3, 5, true);
        assert_eq!(l.expected(3), 0, "never named");
        assert_eq!(l.expected(4), 11, "never placed, deleted at the end");
        l.reduce(4, 5, false);
        assert_eq!(l.expected(4), 6);
    }
}
