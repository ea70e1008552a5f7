//! Server → client messages, sent on the order-entry stream.

use crate::header::MAX_BODY_LEN;
use crate::types::{
    ClientOrderId, InstrumentId, OrderId, Price, Qty, RejectCode, Seq, Side, Timestamp,
};

/// Logon accepted. Body: 16 bytes.
///
/// | offset | size | type  | field       |
/// |-------:|-----:|-------|-------------|
/// | 0      | 8    | `u64` | session     |
/// | 8      | 8    | `u64` | server_time |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LogonAck {
    /// The session id.
    pub session: u64,
    /// The server's clock, ns since the Unix epoch.
    pub server_time: Timestamp,
}

impl LogonAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 16;
}

/// Logon refused; the server closes the connection after sending it. Body: 2 bytes.
///
/// | offset | size | type  | field  |
/// |-------:|-----:|-------|--------|
/// | 0      | 2    | `u16` | reason |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogonReject {
    /// Why (a logon code, 100–199).
    pub reason: RejectCode,
}

impl LogonReject {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 2;
}

/// Order accepted by the engine. Body: 32 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | client_id |
/// | 8      | 8    | `u64` | order_id  |
/// | 16     | 8    | `u64` | seq       |
/// | 24     | 8    | `u64` | ts        |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OrderAck {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The exchange order id.
    pub order_id: OrderId,
    /// The engine sequence number of the event.
    pub seq: Seq,
    /// The engine timestamp, ns since the Unix epoch.
    pub ts: Timestamp,
}

impl OrderAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 32;
}

/// A new order, cancel, amend, mass cancel or quote refused. Body: 18 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | client_id |
/// | 8      | 2    | `u16` | reason    |
/// | 10     | 8    | `u64` | seq       |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reject {
    /// The request's client order id (the quote id for a quote, 0 for a mass cancel).
    pub client_id: ClientOrderId,
    /// Why (an order-entry code, 1–99).
    pub reason: RejectCode,
    /// The engine sequence number of the event (0 if rejected before the engine).
    pub seq: Seq,
}

impl Reject {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 18;
}

/// An execution against one of the session's orders. Body: 57 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | client_id |
/// | 8      | 8    | `u64` | order_id  |
/// | 16     | 8    | `i64` | price     |
/// | 24     | 8    | `i64` | qty       |
/// | 32     | 8    | `i64` | leaves    |
/// | 40     | 8    | `u64` | seq       |
/// | 48     | 8    | `u64` | ts        |
/// | 56     | 1    | `u8`  | aggressor |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fill {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The exchange order id.
    pub order_id: OrderId,
    /// Execution price in ticks.
    pub price: Price,
    /// Executed quantity in lots.
    pub qty: Qty,
    /// Quantity still open after this fill.
    pub leaves: Qty,
    /// The engine sequence number of the event.
    pub seq: Seq,
    /// The engine timestamp, ns since the Unix epoch.
    pub ts: Timestamp,
    /// Whether the order took liquidity (wire: 1) rather than provided it (wire: 0).
    pub aggressor: bool,
}

impl Fill {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 57;
}

/// Order cancelled (on request, by IOC/FOK expiry or by a mass cancel). Body: 24 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | client_id |
/// | 8      | 8    | `i64` | leaves    |
/// | 16     | 8    | `u64` | seq       |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CancelAck {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The quantity that was open and is now cancelled.
    pub leaves: Qty,
    /// The engine sequence number of the event.
    pub seq: Seq,
}

impl CancelAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 24;
}

/// Order amended. Body: 32 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | client_id |
/// | 8      | 8    | `i64` | price     |
/// | 16     | 8    | `i64` | qty       |
/// | 24     | 8    | `u64` | seq       |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AmendAck {
    /// The order's client order id.
    pub client_id: ClientOrderId,
    /// The order's price after the amend.
    pub price: Price,
    /// The order's quantity after the amend.
    pub qty: Qty,
    /// The engine sequence number of the event.
    pub seq: Seq,
}

impl AmendAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 32;
}

/// Mass cancel done. Body: 16 bytes.
///
/// | offset | size | type  | field      |
/// |-------:|-----:|-------|------------|
/// | 0      | 4    | `u32` | instrument |
/// | 4      | 4    | `u32` | count      |
/// | 8      | 8    | `u64` | seq        |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MassCancelAck {
    /// The instrument from the request (`u32::MAX` = all).
    pub instrument: InstrumentId,
    /// How many orders were cancelled.
    pub count: u32,
    /// The engine sequence number of the event.
    pub seq: Seq,
}

impl MassCancelAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 16;
}

/// Quote accepted. Body: 32 bytes.
///
/// | offset | size | type  | field        |
/// |-------:|-----:|-------|--------------|
/// | 0      | 8    | `u64` | quote_id     |
/// | 8      | 8    | `u64` | bid_order_id |
/// | 16     | 8    | `u64` | ask_order_id |
/// | 24     | 8    | `u64` | seq          |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct QuoteAck {
    /// The quote id from the request.
    pub quote_id: u64,
    /// The exchange order id of the bid, 0 if the quote has no bid.
    pub bid_order_id: OrderId,
    /// The exchange order id of the ask, 0 if the quote has no ask.
    pub ask_order_id: OrderId,
    /// The engine sequence number of the event.
    pub seq: Seq,
}

impl QuoteAck {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 32;
}

/// Market-maker protection tripped for the account on an instrument: its quotes there were
/// cancelled and new quotes are refused (`MM_PROTECTION`) until `frozen_until`, or until
/// reset when it is 0. Sent to every session of the account. Body: 36 bytes.
///
/// | offset | size | type  | field        |
/// |-------:|-----:|-------|--------------|
/// | 0      | 4    | `u32` | instrument   |
/// | 4      | 8    | `i64` | filled       |
/// | 12     | 8    | `i64` | delta        |
/// | 20     | 8    | `u64` | frozen_until |
/// | 28     | 8    | `u64` | seq          |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ProtectionTripped {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Lots filled within the protection window.
    pub filled: i64,
    /// Net signed lots (bought minus sold) within the window.
    pub delta: i64,
    /// Frozen until this time, ns since the Unix epoch; 0 = until reset.
    pub frozen_until: Timestamp,
    /// The engine sequence number of the event.
    pub seq: Seq,
}

impl ProtectionTripped {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 36;
}

/// One price level of a [`Snapshot`]. Entry: 24 bytes.
///
/// | offset | size | type    | field          |
/// |-------:|-----:|---------|----------------|
/// | 0      | 1    | `u8`    | side           |
/// | 1      | 7    | `[u8;7]`| padding (zero) |
/// | 8      | 8    | `i64`   | price          |
/// | 16     | 8    | `i64`   | qty            |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// Bid or ask.
    pub side: Side,
    /// Price in ticks.
    pub price: Price,
    /// Total quantity at the level, in lots.
    pub qty: Qty,
}

impl Level {
    /// Entry length in bytes.
    pub const LEN: usize = 24;
}

/// An instrument's book, answering a [`SnapshotRequest`](crate::SnapshotRequest); the only
/// variable-length message on the stream. Body: 14 + 24 × count bytes.
///
/// | offset | size | type      | field                     |
/// |-------:|-----:|-----------|---------------------------|
/// | 0      | 4    | `u32`     | instrument                |
/// | 4      | 8    | `u64`     | md_seq                    |
/// | 12     | 2    | `u16`     | count                     |
/// | 14     | 24×n | [`Level`] | levels                    |
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Snapshot {
    /// The instrument.
    pub instrument: InstrumentId,
    /// The market-data sequence the snapshot is consistent with: apply
    /// [`MdDelta`](crate::MdDelta)s with a greater `md_seq` on top of it.
    pub md_seq: Seq,
    /// The levels, bids then asks, best first (at most [`Snapshot::MAX_LEVELS`]).
    pub levels: Vec<Level>,
}

impl Snapshot {
    /// Length of the fixed part of the body (before the levels).
    pub const FIXED_LEN: usize = 14;
    /// The most levels that fit in [`MAX_BODY_LEN`] (170).
    pub const MAX_LEVELS: usize = (MAX_BODY_LEN - Self::FIXED_LEN) / Level::LEN;
}
