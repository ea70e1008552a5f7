//! The simulate loop: lines in, events out, output flushed whenever the input runs dry so an
//! interactive driver sees the answers to what it sent.

use super::format;
use super::parse::{parse_line, Input};
use std::io::{self, BufRead, Write};
use tradestream_engine::{Engine, EngineConfig};
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
        Options { max_open_orders: c.max_open_orders_per_account, capacity: c.capacity }
    }
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
pub fn run(mut input: impl BufRead, output: impl Write, options: &Options) -> io::Result<Summary> {
    let mut engine = Engine::new(EngineConfig {
        max_open_orders_per_account: options.max_open_orders,
        capacity: options.capacity,
        ..EngineConfig::default()
    });
    let mut out = io::BufWriter::with_capacity(1 << 16, output);
    let mut events: Vec<Event> = Vec::with_capacity(1024);
    let mut text = Vec::with_capacity(1 << 12);
    let mut line = Vec::with_capacity(256);
    let mut seq = 0u64;
    let mut drained = true;
    loop {
        if drained {
            out.flush()?;
        }
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            if !line.is_empty() {
                seq += 1;
                one_line(&line, seq, &mut engine, &mut events, &mut text);
                out.write_all(&text)?;
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
            one_line(&line, seq, &mut engine, &mut events, &mut text);
            out.write_all(&text)?;
            line.clear();
        }
    }
    out.flush()?;
    let state_hash = engine.state_hash().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Summary { lines: seq, state_hash })
}

/// Applies one line, leaving its output in `text`.
fn one_line(line: &[u8], seq: u64, engine: &mut Engine, events: &mut Vec<Event>, text: &mut Vec<u8>) {
    text.clear();
    match parse_line(line, engine) {
        Err(message) => format::error(text, seq, &message),
        Ok(Input::Command(cmd)) => {
            events.clear();
            let ts = engine.clock();
            engine.apply(&cmd, ts, events);
            for e in events.iter() {
                format::event(text, seq, e, engine);
            }
        }
        Ok(Input::Balance(account)) => format::balances(text, seq, account, engine),
        Ok(Input::Fees) => format::fees(text, seq, engine),
        Ok(Input::Book { instrument, depth }) => format::book(text, seq, instrument, depth, engine),
    }
}
