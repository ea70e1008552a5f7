//! The engine runtime: the sequencer thread that owns the journaled engine, pinned to a core.
//!
//! Gateways push [`Inbound`] requests into their own SPSC ring ([`GatewayPort::submit`]); the
//! engine thread polls the rings round-robin, stamps each command with the wall clock, applies
//! it through [`tradestream_durable::DurableEngine`] (which journals it) and queues what it
//! caused as [`Out`] items. In durable mode the items are released to every gateway's outbound
//! ring only once the journal's durable watermark covers the command; in fast mode at once. A
//! full ring is backpressure, never a drop: a gateway whose inbound ring is full answers `busy`;
//! when outbound rings or the release queue are full the engine stops draining inbound rings.
//!
//! The engine thread also injects `time` commands when a GTD expiry is due, answers read-only
//! account snapshots (open orders and balances) in sequence with the stream, and keeps the
//! [`Metrics`] that `/metrics` renders.

mod balances;
mod clock;
mod histogram;
mod idle;
mod metrics;
mod port;
mod release;
mod sequencer;
mod spawn;
mod types;

pub use clock::{mono_ns, wall_ms};
pub use histogram::Histogram;
pub use idle::Idle;
pub use metrics::Metrics;
pub use port::{GatewayPort, SubmitError, Wake};
pub use spawn::{spawn, AckMode, RuntimeConfig, RuntimeHandle, StopReport};
pub use types::{DoneKind, Inbound, Origin, Out, Output, Request};
