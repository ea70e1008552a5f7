//! The Tradestream matching engine: a single-threaded, deterministic state machine.
//!
//! [`Engine::apply`] takes one sequenced [`Command`](tradestream_model::Command) and its sequencer
//! timestamp and writes the resulting [`Event`](tradestream_model::Event)s into a caller-owned
//! [`EventSink`]. Nothing inside reads a clock, draws a random number or iterates a hash map in an
//! observable order, so the same commands always give the same events and the same
//! [`Engine::state_hash`].
//!
//! Layout, built for speed: orders live in a pre-sized [`arena`] with a free list and are found by
//! slot plus generation, never by hashing an order id; each price level is an intrusive FIFO
//! through the arena; each book side is a vector of levels sorted so that the best level is last;
//! balances are per account and asset. After warm-up (every account, asset and price level seen
//! once, the id map pre-sized) a command allocates nothing.
//!
//! Operator and session commands (halting an instrument, an account's kill switch, fee changes,
//! cancel-on-disconnect) are commands like the others: sequenced, journaled, replayed, part of
//! the state hash and of snapshots. So are market makers' two-sided quotes (one command cancels
//! the previous quote and places both sides) and their protections, whose trips act at the end
//! of the command whose fills caused them. The read-only queries a server needs (an account's open
//! orders and balances, a book's resting orders, the next GTD expiry) walk the state in a fixed
//! order.

mod accounts;
pub mod arena;
mod assets;
mod book;
mod client_ids;
mod config;
mod engine;
mod expiry;
mod handlers;
mod hash;
mod instruments;
mod liquidation;
mod margin;
mod matching;
mod query;
mod quoting;
mod risk_view;
mod settle;
mod sink;
mod snapshot;

pub use accounts::{Balance, Position};
pub use config::EngineConfig;
pub use engine::Engine;
pub use instruments::Instrument;
pub use query::OpenOrder;
pub use risk_view::MarginSummary;
pub use sink::EventSink;
pub use snapshot::SNAPSHOT_VERSION;
