//! A small derivatives venue for scenario tests: a USD-settled engine and builders for the
//! commands the scenarios send, and of the events they expect. Amounts are decimal strings so
//! expectations read like a ledger.

#![allow(dead_code)]

use tradestream_engine::{Engine, EngineConfig, MarginSummary};
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec,
    Margin, NewOrder, OrderId, OrderType, Price, Qty, RejectReason, SelfTradePrevention, ShortName,
    Side, TimeInForce, Timestamp, TradeId,
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

/// The `accepted` event of an order given engine order id `order_id` (at time 0).
pub fn accepted(o: &NewOrder, order_id: u64) -> Event {
    Event::Accepted {
        account: o.account,
        id: o.id,
        order_id: OrderId(order_id),
        instrument: o.instrument.unwrap(),
        side: o.side,
        order_type: o.order_type,
        price: o.price,
        qty: o.qty,
        ts: Timestamp(0),
    }
}

/// The `rejected` event of an order.
pub fn rejected(o: &NewOrder, reason: RejectReason) -> Event {
    Event::Rejected {
        account: o.account,
        id: o.id,
        reason,
    }
}

/// The `filled` event of an order.
pub fn filled(o: &NewOrder) -> Event {
    Event::Filled {
        account: o.account,
        id: o.id,
        instrument: o.instrument.unwrap(),
    }
}

/// A trade of `qty` at the maker's price.
pub fn trade(trade_id: u64, maker: &NewOrder, taker: &NewOrder, qty: i64) -> Event {
    Event::Trade {
        instrument: taker.instrument.unwrap(),
        trade_id: TradeId(trade_id),
        price: maker.price,
        qty: Qty(qty),
        maker_account: maker.account,
        maker_id: maker.id,
        taker_account: taker.account,
        taker_id: taker.id,
        taker_side: taker.side,
    }
}

/// Places an order that must rest untouched as engine order `order_id`.
pub fn rest(e: &mut Engine, o: NewOrder, order_id: u64) {
    assert_eq!(place(e, o), vec![accepted(&o, order_id)], "{o:?}");
}

/// A maker rests and a taker of the same size fills it in full: `ids` are the maker's and the
/// taker's engine order ids and the trade id.
pub fn cross(e: &mut Engine, maker: NewOrder, taker: NewOrder, ids: (u64, u64, u64)) {
    let (maker_order, taker_order, trade_id) = ids;
    rest(e, maker, maker_order);
    assert_eq!(
        place(e, taker),
        vec![
            accepted(&taker, taker_order),
            trade(trade_id, &maker, &taker, maker.qty.0),
            filled(&maker),
            filled(&taker),
        ]
    );
}

/// The account's margin per settlement asset.
pub fn margin_of(e: &Engine, account: u64) -> Vec<MarginSummary> {
    e.margin_summary(AccountId(account))
}
