//! Client → server messages, sent on the order-entry stream.

use crate::header::{Header, HEADER_LEN};
use crate::messages::MessageType;
use crate::types::{
    AccountId, ClientOrderId, InstrumentId, Price, Qty, Side, TimeInForce, Timestamp,
};

/// Authenticates the session; must be the first message on the order-entry stream.
/// Body: 104 bytes.
///
/// | offset | size | type      | field     |
/// |-------:|-----:|-----------|-----------|
/// | 0      | 8    | `u64`     | account   |
/// | 8      | 16   | `[u8;16]` | key_id    |
/// | 24     | 8    | `u64`     | timestamp |
/// | 32     | 8    | `u64`     | nonce     |
/// | 40     | 64   | `[u8;64]` | signature |
///
/// `signature` is an Ed25519 signature over [`Logon::signed_bytes`]: the 8-byte frame header
/// followed by the first 40 body bytes (everything but the signature). This crate only
/// produces the signed bytes; it does not sign or verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Logon {
    /// The account logging on.
    pub account: AccountId,
    /// Identifies the account's public key.
    pub key_id: [u8; 16],
    /// The client's clock, ns since the Unix epoch (checked against clock skew).
    pub timestamp: Timestamp,
    /// A value never reused with the same key (replay protection).
    pub nonce: u64,
    /// Ed25519 signature over [`Logon::signed_bytes`].
    pub signature: [u8; 64],
}

impl Logon {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 104;
    /// Length of [`Logon::signed_bytes`]: header plus body without the signature.
    pub const SIGNED_LEN: usize = HEADER_LEN + 40;

    /// The bytes the signature covers: the frame header (`54 53 01 01 68 00 00 00`) followed
    /// by `account`, `key_id`, `timestamp` and `nonce` exactly as encoded.
    #[must_use]
    pub fn signed_bytes(&self) -> [u8; Self::SIGNED_LEN] {
        let header = Header {
            msg_type: MessageType::Logon,
            body_len: Self::BODY_LEN as u16,
        };
        let mut out = [0u8; Self::SIGNED_LEN];
        out[..8].copy_from_slice(&header.to_bytes());
        out[8..16].copy_from_slice(&self.account.to_le_bytes());
        out[16..32].copy_from_slice(&self.key_id);
        out[32..40].copy_from_slice(&self.timestamp.to_le_bytes());
        out[40..48].copy_from_slice(&self.nonce.to_le_bytes());
        out
    }
}

/// Enters a limit order. Body: 30 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 8    | `u64` | client_id  |
/// | 8      | 4    | `u32` | instrument |
/// | 12     | 1    | `u8`  | side       |
/// | 13     | 1    | `u8`  | tif        |
/// | 14     | 8    | `i64` | price      |
/// | 22     | 8    | `i64` | qty        |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewOrder {
    /// Client order id, unique within the session.
    pub client_id: ClientOrderId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Buy or sell.
    pub side: Side,
    /// Time in force.
    pub tif: TimeInForce,
    /// Limit price in ticks.
    pub price: Price,
    /// Quantity in lots.
    pub qty: Qty,
}

impl NewOrder {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 30;
}

/// Cancels a live order. Body: 12 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 8    | `u64` | client_id  |
/// | 8      | 4    | `u32` | instrument |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cancel {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The order's instrument.
    pub instrument: InstrumentId,
}

impl Cancel {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 12;
}

/// Changes a live order's price and quantity. Body: 28 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 8    | `u64` | client_id  |
/// | 8      | 4    | `u32` | instrument |
/// | 12     | 8    | `i64` | new_price  |
/// | 20     | 8    | `i64` | new_qty    |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amend {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The order's instrument.
    pub instrument: InstrumentId,
    /// The new limit price in ticks.
    pub new_price: Price,
    /// The new quantity in lots.
    pub new_qty: Qty,
}

impl Amend {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 28;
}

/// Cancels every live order (and quote) of the session on one instrument, or on all
/// instruments when `instrument` is [`MassCancel::ALL_INSTRUMENTS`]. Body: 4 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 4    | `u32` | instrument |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MassCancel {
    /// The instrument, or [`MassCancel::ALL_INSTRUMENTS`] (`u32::MAX`) for all.
    pub instrument: InstrumentId,
}

impl MassCancel {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 4;
    /// The `instrument` value meaning "all instruments": `u32::MAX` (instrument ids are dense
    /// from 0, so 0 is a real instrument).
    pub const ALL_INSTRUMENTS: InstrumentId = u32::MAX;
}

/// A two-sided quote: atomically replaces the session's previous quote on the instrument.
/// A side with quantity 0 is absent (and withdraws that side). Body: 44 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 8    | `u64` | quote_id   |
/// | 8      | 4    | `u32` | instrument |
/// | 12     | 8    | `i64` | bid_price  |
/// | 20     | 8    | `i64` | bid_qty    |
/// | 28     | 8    | `i64` | ask_price  |
/// | 36     | 8    | `i64` | ask_qty    |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Quote {
    /// Client-assigned quote id, echoed in the [`QuoteAck`](crate::QuoteAck).
    pub quote_id: u64,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Bid price in ticks.
    pub bid_price: Price,
    /// Bid quantity in lots; 0 = no bid.
    pub bid_qty: Qty,
    /// Ask price in ticks.
    pub ask_price: Price,
    /// Ask quantity in lots; 0 = no ask.
    pub ask_qty: Qty,
}

impl Quote {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 44;
}

/// Asks for a [`Snapshot`](crate::Snapshot) of an instrument's book. Body: 6 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 4    | `u32` | instrument |
/// | 4      | 2    | `u16` | depth      |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SnapshotRequest {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Price levels wanted per side (the server caps it to what fits in one frame).
    pub depth: u16,
}

impl SnapshotRequest {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 6;
}
