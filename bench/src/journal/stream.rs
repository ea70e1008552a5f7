//! The command stream the journal measurements journal: the `engine` subcommand's
//! exchange-core mix (one instrument, 2,000 accounts, about 1,000 resting orders; 9% GTC,
//! 3% IOC, 6% cancel, 82% move), as Tradestream engine commands after the setup commands that
//! list its instrument and fund its accounts, each stamped with a sequencer timestamp.
//!
//! The translation is the one of `venues/tradestream.rs` (`S0` trading `BASE` against `USD`,
//! tick and lot 1, client order ids the generator's order ids in decimal, `Move` an amend of
//! price, `Reduce` an amend of the total quantity), done here command by command, because a
//! journal of 10M commands is translated while it is written rather than all at once. The
//! setup (instrument and deposits) is journaled like any command, as the engine requires.

use std::collections::HashMap;

use anyhow::{anyhow, Result};
use tradestream_engine::EngineConfig;
use tradestream_model::decimal::Grid;
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, InstrumentId, InstrumentKind, InstrumentSpec,
    NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
    AMOUNT_SCALE,
};

use bench::ops::{self, Op, Tif};
use bench::workloads::{exchange_core, Facts, Workload};

/// A command and the sequencer timestamp it is applied with.
pub type Stamped = (Command, Timestamp);

/// Nanoseconds between the sequencer timestamps of consecutive commands.
const TS_STEP: i64 = 1_000;

/// The generated stream: setup commands, then the mix's prefill, warm-up and measured phases.
#[derive(Debug)]
pub struct Stream {
    workload: Workload,
    setup: Vec<Command>,
    config: EngineConfig,
}

impl Stream {
    /// The exchange-core mix with `warmup` untimed and `measured` further commands.
    pub fn generate(seed: u64, warmup: usize, measured: usize) -> Result<Stream> {
        let workload = exchange_core::generate(seed, warmup, measured);
        let setup = setup(&workload.universe)?;
        let places = [&workload.prefill, &workload.warmup, &workload.measured]
            .iter()
            .flat_map(|phase| phase.iter())
            .filter(|op| matches!(op, Op::Place { .. }))
            .count();
        let config = EngineConfig {
            max_open_orders_per_account: 100_000,
            // Open orders at once: the mix holds about 1,000.
            capacity: 1 << 17,
            // Every id ever accepted is kept: pre-size for all of them (no rehash mid-run).
            expected_client_ids: places + 1_024,
            expected_accounts: workload.universe.accounts as usize,
            levels_per_side: 64,
        };
        Ok(Stream {
            workload,
            setup,
            config,
        })
    }

    /// The engine limits of a new journal (its genesis record).
    pub fn config(&self) -> EngineConfig {
        self.config
    }

    /// Commands before the measured phase: setup, prefill and warm-up.
    pub fn preamble_len(&self) -> usize {
        self.setup.len() + self.workload.prefill.len() + self.workload.warmup.len()
    }

    /// What the measured phase looks like.
    pub fn facts(&self) -> &Facts {
        &self.workload.facts
    }

    /// Every command in order with its timestamp, translated as it is taken.
    pub fn commands(&self) -> impl Iterator<Item = Stamped> + '_ {
        let mut translator = Translator::default();
        let ops = self
            .workload
            .prefill
            .iter()
            .chain(&self.workload.warmup)
            .chain(&self.workload.measured)
            .map(move |op| translator.command(op));
        self.setup
            .iter()
            .copied()
            .chain(ops)
            .zip(1i64..)
            .map(|(command, k)| (command, Timestamp(k * TS_STEP)))
    }

    /// The preamble, and the first `measured` commands of the measured phase, in memory.
    pub fn collect(&self, measured: usize) -> (Vec<Stamped>, Vec<Stamped>) {
        let split = self.preamble_len();
        let mut all: Vec<Stamped> = self.commands().take(split + measured).collect();
        let measured = all.split_off(split);
        (all, measured)
    }
}

fn name(s: &str) -> Result<ShortName> {
    ShortName::new(s).map_err(|e| anyhow!("name {s}: {e}"))
}

/// The instruments, and a deposit of both assets for every account: enough for every order
/// to rest in full at the top price many times over, as in the engine venue's setup.
fn setup(universe: &ops::Universe) -> Result<Vec<Command>> {
    let one = Grid::from_parts(1, 0).map_err(|e| anyhow!("grid: {e}"))?;
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
    // Within the engine's limit on an asset's total (2^120 units of 10^-18).
    let cap = (1i128 << 118) / AMOUNT_SCALE / i128::from(universe.accounts.max(1));
    let units =
        (i128::from(universe.max_price) * i128::from(universe.max_qty) * 1_000_000).clamp(1, cap);
    let amount = Amount(units * AMOUNT_SCALE);
    for a in 0..universe.accounts {
        for asset in ["BASE", "USD"] {
            out.push(Command::Deposit {
                account: AccountId(u64::from(a)),
                asset: name(asset)?,
                amount,
            });
        }
    }
    Ok(out)
}

/// Ops to engine commands, keeping what `Reduce` needs (each order's placed and reduced lots).
#[derive(Debug, Default)]
struct Translator {
    placed: HashMap<u64, (i64, i64)>,
}

/// The generator's order id in decimal (at most 20 bytes, so it always fits).
fn client_id(oid: u64) -> ClientOrderId {
    ClientOrderId::new(&oid.to_string()).expect("a u64 in decimal fits 36 bytes")
}

impl Translator {
    fn command(&mut self, op: &Op) -> Command {
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
                    account: AccountId(u64::from(account)),
                    instrument,
                    id: client_id(oid),
                    side: match side {
                        ops::Side::Buy => Side::Buy,
                        ops::Side::Sell => Side::Sell,
                    },
                    order_type: OrderType::Limit,
                    price: Price(price),
                    qty: Qty(qty),
                    tif: match tif {
                        Tif::Gtc => TimeInForce::Gtc,
                        Tif::Ioc => TimeInForce::Ioc,
                    },
                    post_only: false,
                    stp: SelfTradePrevention::None,
                })
            }
            Op::Cancel { oid, account, .. } => Command::Cancel {
                account: AccountId(u64::from(account)),
                instrument,
                id: client_id(oid),
            },
            Op::Move {
                oid,
                account,
                price,
                ..
            } => Command::Amend {
                account: AccountId(u64::from(account)),
                instrument,
                id: client_id(oid),
                price: Some(Price(price)),
                qty: None,
            },
            Op::Reduce {
                oid, account, by, ..
            } => {
                let entry = self.placed.entry(oid).or_insert((0, 0));
                entry.1 += by;
                Command::Amend {
                    account: AccountId(u64::from(account)),
                    instrument,
                    id: client_id(oid),
                    price: None,
                    qty: Some(Qty(entry.0 - entry.1)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_engine::Engine;
    use tradestream_model::Event;

    #[test]
    fn the_setup_applies_cleanly_and_the_mix_trades() {
        let stream = Stream::generate(7, 1_000, 5_000).expect("generates");
        let mut engine = Engine::new(stream.config());
        let mut events: Vec<Event> = Vec::new();
        let mut last = Timestamp(0);
        let (preamble, measured) = stream.collect(5_000);
        assert_eq!(preamble.len(), stream.preamble_len());
        let setup = 1 + 2 * 2_000;
        for (i, (command, ts)) in preamble.iter().chain(&measured).enumerate() {
            assert!(*ts > last, "timestamps increase");
            last = *ts;
            events.clear();
            engine.apply(command, *ts, &mut events);
            if i < setup {
                assert!(events.is_empty(), "setup command {i}: {:?}", events.first());
            }
        }
        assert!(engine.state_hash() != Engine::new(stream.config()).state_hash());
    }
}
