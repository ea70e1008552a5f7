//! Which balances a command changed: the (account, asset) pairs its events and command name.

use tradestream_engine::Engine;
use tradestream_model::{AccountId, AssetId, Command, Event, InstrumentId};

/// Collects the (account, asset) pairs touched by one command, sorted and without repeats.
#[derive(Debug, Default)]
pub struct Touched {
    pairs: Vec<(AccountId, AssetId)>,
}

impl Touched {
    /// Pre-sized for `n` pairs.
    pub fn with_capacity(n: usize) -> Touched {
        Touched {
            pairs: Vec::with_capacity(n),
        }
    }

    /// Gathers the pairs of `cmd` and its `events`.
    pub fn collect(
        &mut self,
        engine: &Engine,
        cmd: &Command,
        events: &[Event],
    ) -> &[(AccountId, AssetId)] {
        self.pairs.clear();
        if let Command::Deposit { account, asset, .. } | Command::Withdraw { account, asset, .. } =
            cmd
        {
            if let Some(a) = engine.asset_id(asset) {
                self.pairs.push((*account, a));
            }
        }
        for ev in events {
            match *ev {
                Event::Accepted {
                    account,
                    instrument,
                    ..
                }
                | Event::Cancelled {
                    account,
                    instrument,
                    ..
                }
                | Event::Amended {
                    account,
                    instrument,
                    ..
                } => self.instrument(engine, account, instrument),
                Event::Trade {
                    instrument,
                    maker_account,
                    taker_account,
                    ..
                } => {
                    self.instrument(engine, maker_account, instrument);
                    self.instrument(engine, taker_account, instrument);
                }
                _ => {}
            }
        }
        self.pairs.sort_unstable();
        self.pairs.dedup();
        &self.pairs
    }

    fn instrument(&mut self, engine: &Engine, account: AccountId, instrument: InstrumentId) {
        if let Some(i) = engine.instrument(instrument) {
            self.pairs.push((account, i.base));
            self.pairs.push((account, i.quote));
        }
    }
}
