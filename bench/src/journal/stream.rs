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

use anyhow::Result;
use tradestream_engine::EngineConfig;
use tradestream_model::{Command, Timestamp};

use bench::ops::Op;
use bench::venues::tradestream::{setup_commands, Translator};
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
        let setup = setup_commands(&workload.universe)?;
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
