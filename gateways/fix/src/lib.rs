//! Tradestream's FIX 4.4 gateway.
//!
//! - [`codec`]: tag=value framing, parsing and encoding (sans-I/O);
//! - [`dict`] and [`validate`]: the FIX 4.4 data dictionary and QuickFIX-compatible validation;
//! - [`session`]: the session layer (logon, heartbeats, test requests, resend requests, gap
//!   fills, sequence resets, PossDup/PossResend, session-level rejects, logout), a state
//!   machine with time passed in;
//! - [`store`]: sequence numbers and sent messages, in memory or in a synced file;
//! - [`acceptor`]: connections to sessions;
//! - [`app`]: the application interface; [`exchange`]: the exchange application;
//! - [`echo`]: the echo application the QuickFIX acceptance scripts expect;
//! - [`server`]: the tokio glue (one gateway thread, plain TCP or TLS).

pub mod acceptor;
pub mod app;
pub mod codec;
pub mod dict;
pub mod echo;
pub mod exchange;
pub mod server;
pub mod session;
pub mod store;
pub mod validate;
