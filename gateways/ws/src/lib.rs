//! The WebSocket gateway: a JSON API in the conventions of large venues (docs/ws-api.md).
//!
//! Layers, from the wire in:
//! - [`protocol`], [`channel`], [`auth`], [`rate`]: sans-I/O parsing of requests, channel names,
//!   signed logons with replay protection, per-account order-rate limits;
//! - [`core`]: the gateway state machine: sessions, requests to the engine's ring, engine items
//!   back into answers, private streams and public market data ([`json`] and [`encode`] write
//!   the messages);
//! - [`server`]: the thin tokio glue: one thread, a single-threaded runtime, one reader and one
//!   writer task per connection.

pub mod auth;
pub mod catalog;
pub mod channel;
pub mod config;
pub mod core;
pub mod encode;
pub mod json;
pub mod protocol;
pub mod rate;
pub mod server;
