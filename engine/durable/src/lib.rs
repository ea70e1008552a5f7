//! The engine behind its journal.
//!
//! [`DurableEngine`] journals every command it applies (with its sequencer timestamp and the
//! event-digest [`chain`]), publishes a durable watermark through the journal thread, and keeps
//! snapshots from a replica engine on its own thread, so matching never stalls for a snapshot.
//! On open it recovers: the newest valid snapshot, then the journal after it, every record's
//! chain link verified. [`replay`] re-executes a journal for audits (`tradestream replay`).
//!
//! The journal's first record (sequence 1) is the genesis record holding the engine's limits;
//! every later record is a command. Instruments, deposits and every other state change are
//! commands, so a replay never reads a configuration file.

pub mod chain;
mod durable;
mod error;
mod final_snapshot;
pub mod record;
pub mod replay;
mod snapshotter;

pub use durable::{DurableConfig, DurableEngine, Recovered};
pub use error::DurableError;
pub use replay::{replay, ReplayOptions, ReplaySummary};
