//! What `simulate` drives: the bare engine, or the engine behind its journal.

use std::io;
use tradestream_durable::DurableEngine;
use tradestream_engine::Engine;
use tradestream_model::{Command, Event};

/// An engine that applies commands and says when their output may leave the process.
pub trait Host {
    /// The engine, for parsing and formatting.
    fn engine(&self) -> &Engine;
    /// Applies a command at the engine's clock, appending its events; returns its journal
    /// sequence number (0 when not journaled).
    fn apply(&mut self, cmd: &Command, sink: &mut Vec<Event>) -> io::Result<u64>;
    /// Returns once everything up to `seq` may be released.
    fn release(&mut self, seq: u64) -> io::Result<()>;
}

impl Host for Engine {
    fn engine(&self) -> &Engine {
        self
    }

    fn apply(&mut self, cmd: &Command, sink: &mut Vec<Event>) -> io::Result<u64> {
        let ts = self.clock();
        Engine::apply(self, cmd, ts, sink);
        Ok(0)
    }

    fn release(&mut self, _: u64) -> io::Result<()> {
        Ok(())
    }
}

impl Host for DurableEngine {
    fn engine(&self) -> &Engine {
        DurableEngine::engine(self)
    }

    fn apply(&mut self, cmd: &Command, sink: &mut Vec<Event>) -> io::Result<u64> {
        let ts = self.engine().clock();
        DurableEngine::apply(self, cmd, ts, sink).map_err(io::Error::other)
    }

    fn release(&mut self, seq: u64) -> io::Result<()> {
        self.wait_durable(seq).map_err(io::Error::other)
    }
}
