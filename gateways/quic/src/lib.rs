//! Tradestream's market-maker QUIC protocol: the sans-I/O binary codec (schema version 1).
//!
//! Every message is a frame: an 8-byte [`header`] followed by a fixed-layout, little-endian
//! body. This crate only turns bytes into typed [`Message`]s and back; it performs no I/O and
//! knows nothing about QUIC streams, datagrams or the authentication handshake.
//!
//! - [`header`]: the frame header, its constants and validation;
//! - [`types`]: wire enums ([`Side`], [`TimeInForce`], [`MdAction`]) and [`RejectCode`];
//! - [`messages`]: one struct per message plus the [`Message`] enum and [`MessageType`] codes;
//! - [`encode()`] / [`try_encode`]: messages to bytes;
//! - [`decode()`] / [`decode_datagram`]: bytes to messages, with
//!   [`DecodeError::Incomplete`] for partial stream input;
//! - [`FrameReader`]: accumulates stream bytes and yields whole messages;
//! - [`error`]: the typed [`DecodeError`] and [`EncodeError`].
//!
//! On top of the codec, the transport (docs/quic-protocol.md, "Transport" onwards):
//!
//! - [`tls`]: certificates, client-certificate verification, pinned trust, ALPN, no 0-RTT;
//! - [`auth`]: Logon verification (Ed25519 keys or client certificates, clock skew, nonces);
//! - [`md`]: L2 books into MdDelta datagrams and Snapshots with per-instrument `md_seq`;
//! - [`gateway`]: the sans-I/O gateway core over an engine port;
//! - [`server`]: the quinn endpoint on its own thread;
//! - [`client`]: an async client.
//!
//! The byte layout is specified in `docs/quic-protocol.md`.
//!
//! ```
//! use tradestream_quic::{decode, encode, Message, NewOrder, Side, TimeInForce};
//!
//! let msg = Message::NewOrder(NewOrder {
//!     client_id: 7,
//!     instrument: 1,
//!     side: Side::Buy,
//!     tif: TimeInForce::Gtc,
//!     price: 10_050,
//!     qty: 3,
//! });
//! let mut buf = Vec::new();
//! encode(&msg, &mut buf);
//! assert_eq!(decode(&buf), Ok((msg, buf.len())));
//! ```

#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod decode;
pub mod encode;
pub mod error;
pub mod gateway;
pub mod header;
pub mod md;
pub mod messages;
pub mod reader;
pub mod server;
pub mod tls;
pub mod types;
mod wire;

pub use decode::{decode, decode_datagram};
pub use encode::{encode, try_encode};
pub use error::{DecodeError, EncodeError};
pub use header::{Header, HEADER_LEN, MAGIC, MAX_BODY_LEN, SCHEMA_VERSION};
pub use messages::client::{Amend, Cancel, Logon, MassCancel, NewOrder, Quote, SnapshotRequest};
pub use messages::market::{MdDelta, MdEntry};
pub use messages::server::{
    AmendAck, CancelAck, Fill, Level, LogonAck, LogonReject, MassCancelAck, OrderAck,
    ProtectionTripped, QuoteAck, Reject, Snapshot,
};
pub use messages::{Heartbeat, Message, MessageType};
pub use reader::FrameReader;
pub use types::{MdAction, RejectCode, Side, TimeInForce};
