//! The simulate loop: lines in, events out. Output is released whenever the input runs dry (so an
//! interactive driver sees the answers to what it sent) or a buffer fills, and, when journaled,
//! only once the journal has made the commands that caused it durable.

use super::format;
use super::format_derivatives;
use super::host::Host;
use super::parse::{parse_line, Input};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use tradestream_durable::{DurableConfig, DurableEngine, Recovered};
use tradestream_engine::{Engine, EngineConfig};
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_model::Event;

/// Engine limits for a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Most open orders per account.
    pub max_open_orders: u32,
    /// Most open orders in the engine.
    pub capacity: u32,
}

impl Default for Options {
    fn default() -> Self {
        let c = EngineConfig::default();
        Options {
            max_open_orders: c.max_open_orders_per_account,
            capacity: c.capacity,
        }
    }
}

impl Options {
    fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            max_open_orders_per_account: self.max_open_orders,
            capacity: self.capacity,
            ..EngineConfig::default()
        }
    }
}

/// Where and how a simulation is journaled.
#[derive(Debug, Clone)]
pub struct JournalOptions {
    /// Journal directory.
    pub dir: PathBuf,
    /// When the journal syncs.
    pub fsync: FsyncPolicy,
    /// A snapshot every this many commands (0: none).
    pub snapshot_every: u64,
    /// Snapshots kept.
    pub keep_snapshots: usize,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Input lines read.
    pub lines: u64,
    /// Hex BLAKE3 state hash at the end.
    pub state_hash: String,
}

/// Runs the engine over JSON Lines from `input`, writing events to `output`.
pub fn run(input: impl BufRead, output: impl Write, options: &Options) -> io::Result<Summary> {
    let mut engine = Engine::new(options.engine_config());
    drive(input, output, &mut engine)
}

/// Like [`run`], journaling every command in `journal.dir`; a journal already there is recovered
/// first and continued. Events are written only once the commands that caused them are durable.
pub fn run_journaled(
    input: impl BufRead,
    output: impl Write,
    options: &Options,
    journal: &JournalOptions,
    on_recovered: impl FnOnce(&Recovered),
) -> io::Result<Summary> {
    let config = DurableConfig {
        engine: options.engine_config(),
        journal: JournalConfig::new(""),
        fsync: journal.fsync,
        snapshot_every: journal.snapshot_every,
        keep_snapshots: journal.keep_snapshots,
        prefault: false,
    };
    std::fs::create_dir_all(&journal.dir)?;
    let (mut engine, recovered) =
        DurableEngine::open(FsStorage::new(&journal.dir), config).map_err(io::Error::other)?;
    on_recovered(&recovered);
    let summary = drive(input, output, &mut engine)?;
    engine.close().map_err(io::Error::other)?;
    Ok(summary)
}

/// Output waiting for durability.
struct Pending<W: Write> {
    out: W,
    text: Vec<u8>,
    last_seq: u64,
}

impl<W: Write> Pending<W> {
    fn release(&mut self, host: &mut impl Host) -> io::Result<()> {
        if !self.text.is_empty() {
            host.release(self.last_seq)?;
            self.out.write_all(&self.text)?;
            self.text.clear();
        }
        self.out.flush()
    }
}

fn drive(mut input: impl BufRead, output: impl Write, host: &mut impl Host) -> io::Result<Summary> {
    let mut pending = Pending {
        out: output,
        text: Vec::with_capacity(1 << 16),
        last_seq: 0,
    };
    let mut events: Vec<Event> = Vec::with_capacity(1024);
    let mut line = Vec::with_capacity(256);
    let mut seq = 0u64;
    let mut drained = true;
    loop {
        if drained || pending.text.len() >= 1 << 16 {
            pending.release(host)?;
        }
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            if !line.is_empty() {
                seq += 1;
                one_line(&line, seq, host, &mut events, &mut pending)?;
            }
            break;
        }
        let (taken, complete) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                line.extend_from_slice(&buf[..i]);
                (i + 1, true)
            }
            None => {
                line.extend_from_slice(buf);
                (buf.len(), false)
            }
        };
        drained = taken == buf.len();
        input.consume(taken);
        if complete {
            seq += 1;
            one_line(&line, seq, host, &mut events, &mut pending)?;
            line.clear();
        }
    }
    pending.release(host)?;
    let state_hash = host
        .engine()
        .state_hash()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Summary {
        lines: seq,
        state_hash,
    })
}

/// Applies one line, appending its output to the pending text.
fn one_line<W: Write>(
    line: &[u8],
    seq: u64,
    host: &mut impl Host,
    events: &mut Vec<Event>,
    pending: &mut Pending<W>,
) -> io::Result<()> {
    let text = &mut pending.text;
    let engine = host.engine();
    match parse_line(line, engine) {
        Err(message) => format::error(text, seq, &message),
        Ok(Input::Command(cmd)) => {
            events.clear();
            let journal_seq = host.apply(&cmd, events)?;
            pending.last_seq = pending.last_seq.max(journal_seq);
            let engine = host.engine();
            for e in events.iter() {
                format::event(&mut pending.text, seq, e, engine);
            }
        }
        Ok(Input::Balance(account)) => format::balances(text, seq, account, engine),
        Ok(Input::Fees) => format::fees(text, seq, engine),
        Ok(Input::Positions(account)) => format::positions(text, seq, account, engine),
        Ok(Input::Margin(account)) => format_derivatives::margin(text, seq, account, engine),
        Ok(Input::Insurance) => format_derivatives::insurance(text, seq, engine),
        Ok(Input::Greeks(p)) => format_derivatives::greeks(text, seq, &p, engine),
        Ok(Input::Book { instrument, depth }) => format::book(text, seq, instrument, depth, engine),
    }
    Ok(())
}
