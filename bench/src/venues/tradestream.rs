//! Tradestream's own engine (`tradestream_engine::Engine`) behind [`crate::venue::Venue`].
//!
//! Every instrument trades base `BASE` against quote `USD` with tick and lot 1, so prices and
//! quantities are the generator's ticks and lots unchanged; every account is funded with both
//! assets in setup, so balance checks run on every order but never bind. Client order ids are the
//! generator's order ids in decimal; `Move` is an amend of price (loses priority, may trade),
//! `Reduce` an amend of the total quantity (keeps priority), IOC orders are limit IOC.

use anyhow::{ensure, Result};
use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec,
    NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Timestamp, AMOUNT_SCALE,
};

use crate::ops::{Op, Side, Tif, Universe};
use crate::venue::{Outcome, Venue};

/// Tradestream's matching engine as a benchmark venue.
pub struct TradestreamVenue {
    engine: Engine,
    sink: Vec<Event>,
    translator: Translator,
}

fn name(s: &str) -> Result<ShortName> {
    ShortName::new(s).map_err(|e| anyhow::anyhow!("name {s}: {e}"))
}

/// The generator's order id in decimal (at most 20 bytes, so it always fits).
fn client_id(oid: u64) -> ClientOrderId {
    ClientOrderId::new(&oid.to_string()).expect("a u64 in decimal fits 36 bytes")
}

/// The commands that list `universe.symbols` instruments (`S<n>`: BASE against USD, tick and
/// lot 1) and fund every account with both assets: enough for every order to rest in full at the
/// top price many times over, within the engine's limit on an asset's total (2^120 units of
/// 10^-18, about 1.3e18 whole units).
pub fn setup_commands(universe: &Universe) -> Result<Vec<Command>> {
    let one = Grid::new(decimal::parse("1")?).map_err(|e| anyhow::anyhow!("grid: {e}"))?;
    let mut out = Vec::new();
    for s in 0..universe.symbols {
        out.push(Command::AddInstrument(InstrumentSpec {
            symbol: name(&format!("S{s}"))?,
            kind: InstrumentKind::Spot,
            base: name("BASE")?,
            quote: name("USD")?,
            tick: one,
            lot: one,
            maker_fee_bps: 0,
            taker_fee_bps: 0,
        }));
    }
    let per_account_cap = (1i128 << 118) / AMOUNT_SCALE / i128::from(universe.accounts.max(1));
    let units = (universe.max_price as i128 * universe.max_qty as i128 * 1_000_000)
        .clamp(1, per_account_cap);
    let amount = Amount(units * AMOUNT_SCALE);
    for a in 0..universe.accounts {
        for asset in ["BASE", "USD"] {
            out.push(Command::Deposit {
                account: AccountId(a as u64),
                asset: name(asset)?,
                amount,
            });
        }
    }
    Ok(out)
}

impl Venue for TradestreamVenue {
    const NAME: &'static str = "tradestream";
    const NOTES: &'static str = "tradestream: accounts with balances (held on every order), \
        per-account client id de-duplication, fees, STP checks; Move = amend price, \
        Reduce = amend total quantity (keeps priority)";
    type Command = Command;

    fn setup(universe: &Universe) -> Result<Self> {
        let mut engine = Engine::new(EngineConfig {
            max_open_orders_per_account: 1_000_000,
            capacity: 4_000_000,
            expected_client_ids: 1 << 12,
            expected_accounts: universe.accounts as usize,
            levels_per_side: 64,
        });
        let mut sink = Vec::with_capacity(1 << 16);
        for cmd in setup_commands(universe)? {
            engine.apply(&cmd, Timestamp(0), &mut sink);
        }
        ensure!(sink.is_empty(), "setup produced events: {:?}", sink.first());
        Ok(TradestreamVenue {
            engine,
            sink,
            translator: Translator::default(),
        })
    }

    fn prepare(&mut self, ops: &[Op]) -> Result<Vec<Command>> {
        let places = ops
            .iter()
            .filter(|op| matches!(op, Op::Place { .. }))
            .count();
        self.engine.reserve_client_ids(places);
        self.engine.prefault();
        Ok(ops.iter().map(|op| self.translator.command(op)).collect())
    }

    fn apply(&mut self, command: &Command) -> Outcome {
        self.sink.clear();
        self.engine.apply(command, Timestamp(0), &mut self.sink);
        match self.sink.first() {
            Some(Event::Rejected { .. }) => Outcome::Rejected,
            _ => Outcome::Accepted,
        }
    }
}

/// Ops to engine commands, keeping what `Reduce` needs (each order's placed and reduced lots:
/// an amend's `qty` is the new total quantity).
#[derive(Debug, Default)]
pub struct Translator {
    placed: std::collections::HashMap<u64, (i64, i64)>,
}

impl Translator {
    /// The engine command for one op.
    pub fn command(&mut self, op: &Op) -> Command {
        let instrument = Some(InstrumentId(op.symbol()));
        match *op {
            Op::Place {
                oid,
                account,
                side,
                price,
                qty,
                tif,
                ..
            } => {
                self.placed.insert(oid, (qty, 0));
                Command::New(NewOrder {
                    account: AccountId(account as u64),
                    instrument,
                    id: client_id(oid),
                    side: match side {
                        Side::Buy => tradestream_model::Side::Buy,
                        Side::Sell => tradestream_model::Side::Sell,
                    },
                    order_type: OrderType::Limit,
                    price: Price(price),
                    qty: Qty(qty),
                    tif: match tif {
                        Tif::Gtc => tradestream_model::TimeInForce::Gtc,
                        Tif::Ioc => tradestream_model::TimeInForce::Ioc,
                    },
                    post_only: false,
                    reduce_only: false,
                    stp: SelfTradePrevention::None,
                })
            }
            Op::Cancel { oid, account, .. } => Command::Cancel {
                account: AccountId(account as u64),
                instrument,
                id: client_id(oid),
            },
            Op::Move {
                oid,
                account,
                price,
                ..
            } => Command::Amend {
                account: AccountId(account as u64),
                instrument,
                id: client_id(oid),
                price: Some(Price(price)),
                qty: None,
            },
            Op::Reduce {
                oid, account, by, ..
            } => {
                // The new total quantity is the original one less everything reduced so far.
                let entry = self.placed.entry(oid).or_insert((0, 0));
                entry.1 += by;
                Command::Amend {
                    account: AccountId(account as u64),
                    instrument,
                    id: client_id(oid),
                    price: None,
                    qty: Some(Qty(entry.0 - entry.1)),
                }
            }
        }
    }
}
