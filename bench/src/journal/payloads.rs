//! Real record payloads for the raw journal measurements: what `DurableEngine` journals for the
//! stream's measured commands (`ts | chain | command bytes`, built with `tradestream_durable`'s
//! own `record` and `chain` functions over an in-memory engine), computed before any timing
//! and cycled through by the sender, so the journal thread sees realistic sizes without the
//! engine in the loop.

use anyhow::Result;
use tradestream_durable::chain::Chain;
use tradestream_durable::record;
use tradestream_engine::Engine;
use tradestream_journal::batch::RECORD_HEADER_LEN;
use tradestream_model::Event;

use super::stream::{Stamped, Stream};

/// Payloads packed back to back.
#[derive(Debug)]
pub struct Payloads {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Payloads {
    /// The payloads of the first `count` measured commands (at least one).
    pub fn of(stream: &Stream, count: usize) -> Result<Payloads> {
        let mut engine = Engine::new(stream.config());
        let mut chain = Chain::default();
        let (mut events, mut scratch, mut cmd, mut payload) =
            (Vec::<Event>::new(), Vec::new(), Vec::new(), Vec::new());
        let mut out = Payloads {
            bytes: Vec::new(),
            ends: Vec::new(),
        };
        let preamble = stream.preamble_len();
        // Record 1 is the genesis record: command k (0-based) is record k + 2.
        for (k, (command, ts)) in stream.commands().take(preamble + count.max(1)).enumerate() {
            let seq = k as u64 + 2;
            record::command_bytes(&command, &mut cmd);
            events.clear();
            engine.apply(&command, ts, &mut events);
            let link = chain.advance(seq, ts.0, &cmd, &events, &mut scratch);
            if k >= preamble {
                record::encode(ts, &link, &cmd, &mut payload);
                out.bytes.extend_from_slice(&payload);
                out.ends.push(out.bytes.len());
            }
        }
        anyhow::ensure!(!out.ends.is_empty(), "the stream has no measured commands");
        Ok(out)
    }

    /// Payloads held.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The `i`-th payload, cycling.
    pub fn get(&self, i: usize) -> &[u8] {
        let i = i % self.ends.len();
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Mean payload length, bytes.
    pub fn mean_len(&self) -> f64 {
        self.bytes.len() as f64 / self.ends.len() as f64
    }

    /// Smallest and largest payload, bytes.
    pub fn len_range(&self) -> (usize, usize) {
        (0..self.len())
            .map(|i| self.get(i).len())
            .fold((usize::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)))
    }
}

/// Bytes the journal's records take for `commands` as `DurableEngine` writes them: the
/// record header, the fixed `ts | chain` header and the encoded command (batch headers and
/// sector padding not included).
pub fn record_bytes(commands: &[Stamped]) -> u64 {
    let mut cmd = Vec::new();
    commands
        .iter()
        .map(|(command, _)| {
            record::command_bytes(command, &mut cmd);
            (RECORD_HEADER_LEN + record::HEADER_LEN + cmd.len()) as u64
        })
        .sum()
}
