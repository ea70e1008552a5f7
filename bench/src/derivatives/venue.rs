//! The derivatives venue both workloads build: USD-settled BTC-PERP, a dated future and calls
//! and puts on the perpetual, prices in ticks of 0.1 USD and lots of 0.001 BTC.

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Controls, Event, InstrumentId, InstrumentKind,
    InstrumentSpec, Margin, NewOrder, OptionRight, OrderType, Price, PriceKind, Qty,
    SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
};
use tradestream_risk::pricing::{price_option, ScanRange};

/// The perpetual's instrument id (listed first).
pub const PERP: InstrumentId = InstrumentId(0);
/// The dated future's id.
pub const FUTURE: InstrumentId = InstrumentId(1);
/// Options listed after the futures: calls then puts at these strikes (USD).
pub const STRIKES: [i64; 5] = [46_000, 48_000, 50_000, 52_000, 54_000];
/// Ticks per USD (tick 0.1).
pub const TICKS_PER_USD: i64 = 10;
/// The perpetual's starting index and mark, ticks (50,000 USD).
pub const START: i64 = 50_000 * TICKS_PER_USD;
/// Option expiry: 30 days after time 0.
pub const EXPIRY_MS: i64 = 30 * 86_400_000;

/// The option ids, calls then puts.
pub fn options() -> impl Iterator<Item = InstrumentId> {
    (0..2 * STRIKES.len() as u32).map(|i| InstrumentId(2 + i))
}

/// A USD amount from whole dollars.
pub fn usd(whole: i64) -> Amount {
    Amount(whole as i128 * tradestream_model::AMOUNT_SCALE)
}

fn name(s: &str) -> ShortName {
    ShortName::new(s).expect("a short name")
}

fn spec(symbol: &str, kind: InstrumentKind) -> InstrumentSpec {
    let g = |s: &str| Grid::new(decimal::parse(s).expect("decimal")).expect("grid");
    InstrumentSpec {
        symbol: name(symbol),
        kind,
        base: name("BTC"),
        quote: name("USD"),
        tick: g("0.1"),
        lot: g("0.001"),
        maker_fee_bps: 0,
        taker_fee_bps: 2,
    }
}

/// Applies a set-up command, panicking on an engine error or a reject (the venue must build as
/// designed).
pub fn must(e: &mut Engine, cmd: Command, sink: &mut Vec<Event>) {
    sink.clear();
    e.apply(&cmd, Timestamp(0), sink);
    let failed = |x: &&Event| matches!(x, Event::Error(_) | Event::Rejected { .. });
    if let Some(err) = sink.iter().find(failed) {
        panic!("set-up command {cmd:?} failed: {err:?}");
    }
}

/// An engine for `capacity` open orders, `accounts` accounts and `ids` client order ids, with
/// the instruments listed and the perpetual's index and mark at [`START`]:
/// perpetual IM 10% MM 5% (basis smoothing 10%), future IM 10% MM 5%, options IM 100% MM 70%
/// of the scenario loss, with risk arrays priced at 60% volatility.
pub fn engine(capacity: u32, accounts: usize, ids: usize, sink: &mut Vec<Event>) -> Engine {
    let mut e = Engine::new(EngineConfig {
        capacity,
        expected_accounts: accounts,
        expected_client_ids: ids,
        levels_per_side: 4_096,
        ..EngineConfig::default()
    });
    let futures = Margin {
        initial_bps: 1_000,
        maintenance_bps: 500,
    };
    let perp = InstrumentKind::Perpetual {
        funding_interval_ms: 8 * 3_600_000,
        margin: futures,
        basis_smoothing_ppm: 100_000,
        funding_cap_ppm: 750,
    };
    must(&mut e, Command::AddInstrument(spec("BTC-PERP", perp)), sink);
    let dated = InstrumentKind::DatedFuture {
        expiry: Timestamp(EXPIRY_MS),
        margin: futures,
    };
    must(&mut e, Command::AddInstrument(spec("BTC-DEC", dated)), sink);
    for right in [OptionRight::Call, OptionRight::Put] {
        for strike in STRIKES {
            let kind = InstrumentKind::Option {
                underlying: PERP,
                right,
                strike: Price(strike * TICKS_PER_USD),
                expiry: Timestamp(EXPIRY_MS),
                margin: Margin {
                    initial_bps: 10_000,
                    maintenance_bps: 7_000,
                },
            };
            let c = if right == OptionRight::Call { "C" } else { "P" };
            let symbol = format!("BTC-{strike}-{c}");
            must(&mut e, Command::AddInstrument(spec(&symbol, kind)), sink);
        }
    }
    for kind in [PriceKind::Index, PriceKind::Mark] {
        for instrument in [PERP, FUTURE] {
            must(
                &mut e,
                Command::SetPrice {
                    instrument,
                    kind,
                    price: Price(START),
                },
                sink,
            );
        }
    }
    for option in options() {
        let risk = option_risk(&e, option, START);
        must(&mut e, risk, sink);
    }
    e
}

/// The pricing step outside the core: Black-76 at `underlying` ticks, 60% volatility.
pub fn option_risk(e: &Engine, option: InstrumentId, underlying: i64) -> Command {
    let InstrumentKind::Option {
        right,
        strike,
        expiry,
        ..
    } = e.instrument(option).expect("listed").spec.kind
    else {
        panic!("not an option: {option:?}");
    };
    let q = price_option(
        right,
        Price(underlying),
        strike,
        Timestamp(0),
        expiry,
        600_000,
        ScanRange::default(),
    )
    .expect("prices");
    Command::OptionRisk {
        instrument: option,
        vol_ppm: 600_000,
        mark: q.mark,
        values: q.values,
    }
}

/// The option's mark in ticks.
pub fn mark(e: &Engine, inst: InstrumentId) -> i64 {
    e.instrument(inst)
        .and_then(|i| i.mark.or(i.last_trade))
        .map_or(1, |p| p.0)
}

/// Sets a control on the perpetual.
pub fn controls(e: &mut Engine, controls: Controls, sink: &mut Vec<Event>) {
    must(
        e,
        Command::SetControls {
            instrument: PERP,
            controls,
        },
        sink,
    );
}

/// A client order id from a number.
pub fn cid(n: u64) -> ClientOrderId {
    ClientOrderId::new(&n.to_string()).expect("an id")
}

/// An order.
pub fn order(
    account: u64,
    inst: InstrumentId,
    n: u64,
    side: Side,
    price: i64,
    qty: i64,
    tif: TimeInForce,
) -> Command {
    Command::New(NewOrder {
        account: AccountId(account),
        instrument: Some(inst),
        id: cid(n),
        side,
        order_type: OrderType::Limit,
        price: Price(price.max(1)),
        qty: Qty(qty),
        tif,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    })
}

/// A deposit of whole USD.
pub fn deposit(account: u64, whole: i64) -> Command {
    Command::Deposit {
        account: AccountId(account),
        asset: name("USD"),
        amount: usd(whole),
    }
}
