//! Start-up: open and recover the journaled engine, enter the config's new instruments and
//! accounts and its changed protections as journaled commands, and read back what the gateways
//! need.

use super::config::{Config, FsyncName, InstrumentEntry};
use super::protection;
use anyhow::{anyhow, bail, Context, Result};
use tradestream_durable::{DurableConfig, DurableEngine, Recovered};
use tradestream_engine::{Engine, EngineConfig};
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_marketdata::SeedOrder;
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec, ShortName, Timestamp,
};
use tradestream_runtime::wall_ms;
use tradestream_ws::catalog::Catalog;

/// Opens (creating if needed) the journal under the data directory and recovers the engine.
pub fn open(config: &Config) -> Result<(DurableEngine, Recovered)> {
    let dir = config.data_dir.join("journal");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let fsync = match config.fsync {
        FsyncName::Always => FsyncPolicy::Always,
        FsyncName::Batch => FsyncPolicy::Batch {
            records: config.fsync_batch_records,
            micros: config.fsync_batch_micros,
        },
        FsyncName::Never => FsyncPolicy::Never,
    };
    let engine = EngineConfig {
        max_open_orders_per_account: config.engine.max_open_orders_per_account,
        capacity: config.engine.capacity,
        ..EngineConfig::default()
    };
    let mut journal = JournalConfig::new("");
    if config.fsync != FsyncName::Batch {
        // Only the batch policy has deadlines to wake for; otherwise the journal thread sleeps
        // until the engine pushes (it is unparked then), sparing a small machine's cores.
        journal.park_timeout = std::time::Duration::from_millis(10);
    }
    let durable = DurableConfig {
        engine,
        journal,
        fsync,
        snapshot_every: config.snapshot_every,
        keep_snapshots: config.keep_snapshots,
        prefault: true,
    };
    DurableEngine::open(FsStorage::new(&dir), durable)
        .with_context(|| format!("cannot open the journal in {}", dir.display()))
}

fn name(s: &str, what: &str) -> Result<ShortName> {
    ShortName::new(s).map_err(|e| anyhow!("{what} {s:?}: {e}"))
}

fn grid(s: &str, what: &str) -> Result<Grid> {
    let d = decimal::parse(s).map_err(|e| anyhow!("{what} {s:?}: {e}"))?;
    Grid::new(d).map_err(|e| anyhow!("{what} {s:?}: {e}"))
}

fn spec(i: &InstrumentEntry) -> Result<InstrumentSpec> {
    if i.kind != "spot" {
        bail!(
            "instrument {}: kind {:?} does not trade yet; only spot",
            i.symbol,
            i.kind
        );
    }
    Ok(InstrumentSpec {
        symbol: name(&i.symbol, "instrument symbol")?,
        kind: InstrumentKind::Spot,
        base: name(&i.base, "asset")?,
        quote: name(&i.quote, "asset")?,
        tick: grid(&i.tick, "tick")?,
        lot: grid(&i.lot, "lot")?,
        maker_fee_bps: i.maker_fee_bps,
        taker_fee_bps: i.taker_fee_bps,
    })
}

/// Applies the config's instruments not yet listed, accounts the engine has never seen, then
/// the protections whose limits differ from the engine's, as journaled commands; waits until
/// they are durable. Returns a line per command entered.
pub fn enter_config(engine: &mut DurableEngine, config: &Config) -> Result<Vec<String>> {
    let mut cmds = Vec::new();
    let mut log = Vec::new();
    for i in &config.instruments {
        let s = spec(i)?;
        if engine.engine().instrument_id(&s.symbol).is_none() {
            log.push(format!("listed {} ({}/{})", i.symbol, i.base, i.quote));
            cmds.push(Command::AddInstrument(s));
        }
    }
    let known: Vec<AccountId> = engine.engine().account_ids().collect();
    for a in &config.accounts {
        let account = AccountId(a.id);
        if known.contains(&account) {
            continue;
        }
        for (asset, amount) in &a.deposits {
            let d = decimal::parse(amount)
                .map_err(|e| anyhow!("account {} deposit {asset} {amount:?}: {e}", a.id))?;
            let amount =
                decimal::amount(d).map_err(|e| anyhow!("account {} deposit {asset}: {e}", a.id))?;
            cmds.push(Command::Deposit {
                account,
                asset: name(asset, "asset")?,
                amount,
            });
        }
        if !a.trading {
            cmds.push(Command::KillSwitch { account, on: true });
            log.push(format!("account {} may not trade (kill switch on)", a.id));
        }
        log.push(format!("funded account {}", a.id));
    }
    let mut last = apply(engine, &cmds)?;
    // Protections name instruments, so they resolve against the engine once those are listed.
    let (cmds, lines): (Vec<Command>, Vec<String>) =
        protection::commands(engine.engine(), &config.protection)?
            .into_iter()
            .unzip();
    log.extend(lines);
    last = apply(engine, &cmds)?.or(last);
    if let Some(seq) = last {
        engine
            .wait_durable(seq)
            .map_err(|e| anyhow!("journal: {e}"))?;
    }
    Ok(log)
}

/// Applies `cmds` in order as journaled commands; the sequence number of the last, if any. An
/// engine error on any of them stops the start.
fn apply(engine: &mut DurableEngine, cmds: &[Command]) -> Result<Option<u64>> {
    let mut events = Vec::new();
    let mut last = None;
    for cmd in cmds {
        events.clear();
        let seq = engine
            .apply(cmd, Timestamp(wall_ms()), &mut events)
            .map_err(|e| anyhow!("journal: {e}"))?;
        if let Some(Event::Error(e)) = events.iter().find(|e| matches!(e, Event::Error(_))) {
            bail!("the engine refused a config command {cmd:?}: {e}");
        }
        last = Some(seq);
    }
    Ok(last)
}

/// The listed instruments.
pub fn catalog(engine: &Engine) -> Catalog {
    let mut c = Catalog::default();
    let mut i = 0;
    while let Some(inst) = engine.instrument(InstrumentId(i)) {
        c.add(InstrumentId(i), inst.spec, inst.halted);
        i += 1;
    }
    c
}

/// Every resting order, in book order, for the gateways' market-data books.
pub fn resting(engine: &Engine) -> Vec<SeedOrder> {
    let mut v = Vec::new();
    let mut i = 0;
    while engine.instrument(InstrumentId(i)).is_some() {
        for o in engine.resting_orders(InstrumentId(i)) {
            v.push(SeedOrder {
                account: o.account,
                id: o.id,
                instrument: o.instrument,
                side: o.side,
                price: o.price,
                leaves: o.leaves,
            });
        }
        i += 1;
    }
    v
}
