//! The price shock: 10,000 accounts each long 1 BTC of the perpetual at 50,000 USD with equity
//! just above the initial margin, shorts held by ten well-capitalized accounts, a market maker's
//! bids able to absorb a fifth of the flow, an insurance fund of 1M USD, a 10% price band and a
//! maximum order size of 0.5 BTC. One timed command, a mark of 45,000, puts every long below
//! maintenance: each is liquidated in IOC steps against the bids while they last (the fund
//! covering losses beyond equity) and auto-deleveraged against the shorts after.

use tradestream_engine::Engine;
use tradestream_model::{
    AccountId, Command, Controls, Event, Price, PriceKind, Qty, Side, TimeInForce,
};

use super::venue::{self, PERP, START, TICKS_PER_USD};

/// Accounts liquidated by the shock.
pub const LONGS: u64 = 10_000;
const WHALES: u64 = 10;
const MAKER: u64 = 100;
const FIRST_LONG: u64 = 1_000;
/// The shocked mark, ticks (45,000 USD).
pub const SHOCK: i64 = 45_000 * TICKS_PER_USD;

/// What the shock did.
#[derive(Debug, Default, Clone)]
pub struct Shock {
    /// Time of the one command, nanoseconds.
    pub ns: u64,
    /// Events it produced.
    pub events: u64,
    /// `LiquidationStarted` events.
    pub liquidations: u64,
    /// `LiquidationStep` events, and those that filled anything.
    pub steps: u64,
    /// Steps that filled.
    pub filled_steps: u64,
    /// Trades.
    pub trades: u64,
    /// `Deleveraged` events.
    pub deleveraged: u64,
    /// `InsurancePaid` events and their total, whole USD.
    pub insurance_paid: u64,
    /// Total paid by the fund, USD.
    pub insurance_usd: f64,
}

/// Builds the venue (untimed), returning the engine ready for the shock.
pub fn build(sink: &mut Vec<Event>) -> Engine {
    let mut e = venue::engine(100_000, (FIRST_LONG + LONGS) as usize, 100_000, sink);
    venue::must(
        &mut e,
        Command::InsuranceDeposit {
            asset: tradestream_model::ShortName::new("USD").expect("name"),
            amount: venue::usd(1_000_000),
        },
        sink,
    );
    let mut n = 0;
    let mut id = || {
        n += 1;
        n
    };
    for w in 1..=WHALES {
        venue::must(&mut e, venue::deposit(w, 20_000_000), sink);
    }
    venue::must(&mut e, venue::deposit(MAKER, 1_000_000_000), sink);
    for l in 0..LONGS {
        let account = FIRST_LONG + l;
        venue::must(&mut e, venue::deposit(account, 5_300), sink);
        // Each whale offers 1,000 BTC in 0.5 BTC pieces (the maximum order size).
        let whale = 1 + l % WHALES;
        for _ in 0..2 {
            let sell = venue::order(whale, PERP, id(), Side::Sell, START, 500, TimeInForce::Gtc);
            venue::must(&mut e, sell, sink);
            let buy = venue::order(account, PERP, id(), Side::Buy, START, 500, TimeInForce::Ioc);
            venue::must(&mut e, buy, sink);
        }
    }
    // Bids from 44,900 down in 10 USD steps, 20 BTC each: 2,000 BTC of the 10,000 to sell.
    for k in 0..100 {
        let price = (44_900 - 10 * k) * TICKS_PER_USD;
        for _ in 0..40 {
            let bid = venue::order(MAKER, PERP, id(), Side::Buy, price, 500, TimeInForce::Gtc);
            venue::must(&mut e, bid, sink);
        }
    }
    // The band (10% around the mark) and the largest order (0.5 BTC) apply from here on.
    venue::controls(
        &mut e,
        Controls {
            price_band_bps: Some(1_000),
            max_qty: Some(Qty(500)),
            ..Controls::default()
        },
        sink,
    );
    e
}

/// The shock command.
pub fn command() -> Command {
    Command::SetPrice {
        instrument: PERP,
        kind: PriceKind::Mark,
        price: Price(SHOCK),
    }
}

/// Counts what the shock's events did.
pub fn tally(ns: u64, events: &[Event]) -> Shock {
    let mut s = Shock {
        ns,
        events: events.len() as u64,
        ..Shock::default()
    };
    for e in events {
        match e {
            Event::LiquidationStarted { .. } => s.liquidations += 1,
            Event::LiquidationStep { filled, .. } => {
                s.steps += 1;
                s.filled_steps += u64::from(filled.0 > 0);
            }
            Event::Trade { .. } => s.trades += 1,
            Event::Deleveraged { .. } => s.deleveraged += 1,
            Event::InsurancePaid { amount, .. } => {
                s.insurance_paid += 1;
                s.insurance_usd += amount.0 as f64 / 1e18;
            }
            _ => {}
        }
    }
    s
}

/// The USD ledger: balances + fees + insurance fund − entry notionals (unchanged by the shock).
pub fn ledger(e: &Engine) -> i128 {
    let usd = e
        .asset_id(&tradestream_model::ShortName::new("USD").expect("name"))
        .expect("USD listed");
    let mut total = e.fee_balance(usd).0 + e.insurance_fund(usd).0;
    for a in e.account_ids() {
        let b = e.balance(a, usd);
        total += b.available.0 + b.held.0;
        total -= e.positions(a).iter().map(|p| p.entry.0).sum::<i128>();
    }
    total
}

/// Checks the shock's outcome: every long liquidated, the ledger unchanged, no account below
/// zero equity unless liquidated.
pub fn verify(e: &Engine, before: i128, events: &[Event]) -> anyhow::Result<()> {
    let liquidated: std::collections::HashSet<AccountId> = events
        .iter()
        .filter_map(|x| match x {
            Event::LiquidationStarted { account, .. } => Some(*account),
            _ => None,
        })
        .collect();
    for l in 0..LONGS {
        anyhow::ensure!(
            liquidated.contains(&AccountId(FIRST_LONG + l)),
            "long {} was not liquidated",
            FIRST_LONG + l
        );
    }
    anyhow::ensure!(ledger(e) == before, "the USD ledger moved");
    for a in e.account_ids() {
        for m in e.margin_summary(a) {
            anyhow::ensure!(
                m.equity.0 >= 0 || liquidated.contains(&a),
                "account {a:?} has equity {:?} without a liquidation",
                m.equity
            );
        }
    }
    Ok(())
}
