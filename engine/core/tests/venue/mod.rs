//! A small derivatives venue for scenario tests: a USD-settled engine and builders for the
//! commands the scenarios send. Amounts are decimal strings so expectations read like a ledger.

#![allow(dead_code)]

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec,
    Margin, NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side, TimeInForce,
    Timestamp,
};

/// A USD amount from a decimal string.
pub fn usd(s: &str) -> Amount {
    decimal::amount(decimal::parse(s).unwrap()).unwrap()
}

/// A short name.
pub fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

/// A price or quantity grid from a decimal string.
pub fn grid(s: &str) -> Grid {
    Grid::new(decimal::parse(s).unwrap()).unwrap()
}

/// An instrument settled in USD with base `BTC`, no fees.
pub fn spec(symbol: &str, kind: InstrumentKind, tick: &str, lot: &str) -> InstrumentSpec {
    InstrumentSpec {
        symbol: name(symbol),
        kind,
        base: name("BTC"),
        quote: name("USD"),
        tick: grid(tick),
        lot: grid(lot),
        maker_fee_bps: 0,
        taker_fee_bps: 0,
    }
}

/// Margin rates in basis points.
pub fn margin(initial_bps: u32, maintenance_bps: u32) -> Margin {
    Margin {
        initial_bps,
        maintenance_bps,
    }
}

/// A perpetual with the given margin, basis smoothing and funding cap (interval 8 h).
pub fn perpetual(m: Margin, basis_smoothing_ppm: u32, funding_cap_ppm: u32) -> InstrumentKind {
    InstrumentKind::Perpetual {
        funding_interval_ms: 8 * 3_600_000,
        margin: m,
        basis_smoothing_ppm,
        funding_cap_ppm,
    }
}

/// An engine with room for 10,000 orders.
pub fn engine() -> Engine {
    Engine::new(EngineConfig {
        capacity: 10_000,
        ..EngineConfig::default()
    })
}

/// Applies one command at time 0 and returns its events.
pub fn run(e: &mut Engine, cmd: Command) -> Vec<Event> {
    let mut out = Vec::new();
    e.apply(&cmd, Timestamp(0), &mut out);
    out
}

/// Lists an instrument; panics on an engine error.
pub fn list(e: &mut Engine, s: InstrumentSpec) -> InstrumentId {
    let out = run(e, Command::AddInstrument(s));
    assert!(out.is_empty(), "{out:?}");
    e.instrument_id(&s.symbol).unwrap()
}

/// Deposits USD.
pub fn deposit(e: &mut Engine, account: u64, amount: &str) {
    let out = run(
        e,
        Command::Deposit {
            account: AccountId(account),
            asset: name("USD"),
            amount: usd(amount),
        },
    );
    assert!(out.is_empty(), "{out:?}");
}

/// A GTC limit order.
pub fn limit(
    account: u64,
    inst: InstrumentId,
    id: &str,
    side: Side,
    price: i64,
    qty: i64,
) -> NewOrder {
    NewOrder {
        account: AccountId(account),
        instrument: Some(inst),
        id: ClientOrderId::new(id).unwrap(),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    }
}

/// Places an order and returns its events.
pub fn place(e: &mut Engine, o: NewOrder) -> Vec<Event> {
    run(e, Command::New(o))
}

/// The account's USD available balance.
pub fn available(e: &Engine, account: u64) -> Amount {
    let usd = e.asset_id(&name("USD")).unwrap();
    e.balance(AccountId(account), usd).available
}

/// The account's signed position and entry notional in `inst`.
pub fn position(e: &Engine, account: u64, inst: InstrumentId) -> (i64, Amount) {
    let p = e.position(AccountId(account), inst);
    (p.qty, p.entry)
}

/// The USD ledger total: balances (available and held) plus fees plus the insurance fund minus
/// every position's entry notional. Every command but deposits, withdrawals and insurance
/// deposits keeps it.
pub fn usd_ledger(e: &Engine) -> i128 {
    let usd = e.asset_id(&name("USD")).unwrap();
    let mut total = e.fee_balance(usd).0 + e.insurance_fund(usd).0;
    for a in e.account_ids() {
        let b = e.balance(a, usd);
        total += b.available.0 + b.held.0;
        for p in e.positions(a) {
            if e.instrument(InstrumentId(p.instrument)).unwrap().quote == usd {
                total -= p.entry.0;
            }
        }
    }
    total
}
