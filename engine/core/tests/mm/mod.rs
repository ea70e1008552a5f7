//! Helpers of the quote and protection tests: BTC-USD (tick 0.5, lot 0.01, maker -1 bps, taker
//! 4 bps) with accounts 0 to 19 funded, and builders of the commands and events they check.

#![allow(dead_code)]

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::{
    AccountId, CancelReason, ClientOrderId, Command, Event, InstrumentId, NewOrder, OrderId,
    OrderType, Price, ProtectionLimits, Qty, Quote, QuoteSide, RejectReason, SelfTradePrevention,
    Side, TimeInForce, Timestamp,
};

#[path = "../support/mod.rs"]
mod support;

pub const BTC: InstrumentId = InstrumentId(0);

/// Lists BTC-USD and funds accounts 0 to 19.
pub fn setup(e: &mut Engine, sink: &mut Vec<Event>) {
    support::setup(e, sink);
}

/// The engine, set up.
pub fn engine() -> Engine {
    let mut e = Engine::new(EngineConfig {
        capacity: 1_000,
        ..EngineConfig::default()
    });
    support::setup(&mut e, &mut Vec::new());
    e
}

/// Applies `cmd` at `ts` and returns its events.
pub fn run(e: &mut Engine, cmd: Command, ts: i64) -> Vec<Event> {
    let mut sink = Vec::new();
    e.apply(&cmd, Timestamp(ts), &mut sink);
    sink
}

pub fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

/// A quote of `account` with ids `{id}`, `{id}b`, `{id}a`; sides as (price, qty), qty 0 absent.
pub fn quote(account: u64, id: &str, bid: (i64, i64), ask: (i64, i64)) -> Command {
    Command::Quote(Quote {
        account: AccountId(account),
        instrument: Some(BTC),
        id: cid(id),
        bid_id: cid(&format!("{id}b")),
        ask_id: cid(&format!("{id}a")),
        bid: QuoteSide {
            price: Price(bid.0),
            qty: Qty(bid.1),
        },
        ask: QuoteSide {
            price: Price(ask.0),
            qty: Qty(ask.1),
        },
    })
}

pub fn order(account: u64, id: &str, side: Side, price: i64, qty: i64) -> Command {
    Command::New(NewOrder {
        account: AccountId(account),
        instrument: Some(BTC),
        id: cid(id),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    })
}

pub fn protect(
    account: u64,
    window_ms: u64,
    max_filled: i64,
    max_delta: i64,
    freeze_ms: u64,
) -> Command {
    Command::SetProtection {
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

pub fn reset(account: u64) -> Command {
    Command::ResetProtection {
        account: AccountId(account),
        instrument: BTC,
    }
}

pub fn accepted(
    account: u64,
    id: &str,
    order_id: u64,
    side: Side,
    price: i64,
    qty: i64,
    ts: i64,
) -> Event {
    Event::Accepted {
        account: AccountId(account),
        id: cid(id),
        order_id: OrderId(order_id),
        instrument: BTC,
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        ts: Timestamp(ts),
    }
}

pub fn quoted(account: u64, id: &str, bid: Option<u64>, ask: Option<u64>) -> Event {
    Event::Quoted {
        account: AccountId(account),
        instrument: BTC,
        id: cid(id),
        bid: bid.map(OrderId),
        ask: ask.map(OrderId),
    }
}

pub fn rejected(account: u64, id: &str, reason: RejectReason) -> Event {
    Event::Rejected {
        account: AccountId(account),
        id: cid(id),
        reason,
    }
}

pub fn cancelled(account: u64, id: &str, reason: CancelReason, leaves: i64) -> Event {
    Event::Cancelled {
        account: AccountId(account),
        id: cid(id),
        instrument: BTC,
        reason,
        leaves_qty: Qty(leaves),
    }
}

pub fn tripped(account: u64, filled: i64, delta: i64, until: Option<i64>) -> Event {
    Event::ProtectionTripped {
        account: AccountId(account),
        instrument: BTC,
        filled,
        delta,
        frozen_until: until.map(Timestamp),
    }
}

/// The client ids of the account's open orders, in acceptance order.
pub fn open_ids(e: &Engine, account: u64) -> Vec<String> {
    e.account_orders(AccountId(account))
        .map(|o| o.id.as_str().to_owned())
        .collect()
}

/// Xorshift64.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Market makers of the workload: accounts 0 to 4; takers are 5 to 19.
pub const MAKERS: u64 = 5;

/// Protections of every market maker (windows of 20 ms, small limits, short freezes, one until
/// reset), so that the workload trips, refuses and unfreezes often.
pub fn protections() -> Vec<Command> {
    (0..MAKERS)
        .map(|a| {
            protect(
                a,
                20,
                6 + a as i64,
                4 + a as i64,
                if a == 0 { 0 } else { 15 },
            )
        })
        .collect()
}

/// The `k`-th command of a workload of quotes (some crossed or one-sided), IOC taker orders
/// around the quotes, makers' mass cancels, resets and clock steps; `clock` moves forward by 0 to 2 ms a
/// command. Ids are unique from `first` on.
pub fn workload(rng: &mut Rng, first: u64, k: u64, clock: &mut i64) -> Command {
    *clock += rng.below(3) as i64;
    let n = first + k;
    let r = rng.below(100);
    if r < 45 {
        let maker = rng.below(MAKERS);
        let mid = 200 + rng.below(5) as i64;
        let bid = (mid - 1 - rng.below(3) as i64, rng.below(5) as i64);
        // One quote in 20 crossed (its ask at its bid); a qty of 0 leaves the side out.
        let ask_price = match rng.below(20) {
            0 => bid.0,
            _ => mid + 1 + rng.below(3) as i64,
        };
        quote(
            maker,
            &format!("q{n}"),
            bid,
            (ask_price, rng.below(5) as i64),
        )
    } else if r < 90 {
        let side = if rng.below(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let price = 195 + rng.below(15) as i64;
        let qty = 1 + rng.below(4) as i64;
        let mut cmd = order(MAKERS + rng.below(15), &format!("o{n}"), side, price, qty);
        if let Command::New(o) = &mut cmd {
            o.tif = TimeInForce::Ioc;
        }
        cmd
    } else if r < 93 {
        reset(rng.below(MAKERS))
    } else if r < 97 {
        Command::MassCancel {
            account: AccountId(rng.below(MAKERS)),
            instrument: Some(Some(BTC)),
        }
    } else {
        Command::Time {
            ts: Timestamp(*clock),
        }
    }
}
