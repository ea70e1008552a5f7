//! Server → client market data, one frame per QUIC datagram.

use crate::header::MAX_BODY_LEN;
use crate::types::{InstrumentId, MdAction, Price, Qty, Seq, Side};

/// One book change of an [`MdDelta`]. Entry: 24 bytes.
///
/// | offset | size | type     | field          |
/// |-------:|-----:|----------|----------------|
/// | 0      | 1    | `u8`     | action         |
/// | 1      | 1    | `u8`     | side           |
/// | 2      | 6    | `[u8;6]` | padding (zero) |
/// | 8      | 8    | `i64`    | price          |
/// | 16     | 8    | `i64`    | qty            |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MdEntry {
    /// New, change, delete or trade.
    pub action: MdAction,
    /// The level's side (the aggressor's side for a trade).
    pub side: Side,
    /// Price in ticks.
    pub price: Price,
    /// The level's new total quantity (0 for delete), or the traded quantity.
    pub qty: Qty,
}

impl MdEntry {
    /// Entry length in bytes.
    pub const LEN: usize = 24;
}

/// Book changes of one instrument; one per QUIC datagram. Body: 14 + 24 × count bytes.
///
/// | offset | size | type        | field      |
/// |-------:|-----:|-------------|------------|
/// | 0      | 8    | `u64`       | md_seq     |
/// | 8      | 4    | `u32`       | instrument |
/// | 12     | 2    | `u16`       | count      |
/// | 14     | 24×n | [`MdEntry`] | entries    |
///
/// Datagrams may be lost or reordered: a gap in `md_seq` means the client must request a
/// [`Snapshot`](crate::Snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MdDelta {
    /// The market-data sequence number of this datagram.
    pub md_seq: Seq,
    /// The instrument.
    pub instrument: InstrumentId,
    /// The changes, in order (at most [`MdDelta::MAX_ENTRIES`]).
    pub entries: Vec<MdEntry>,
}

impl MdDelta {
    /// Length of the fixed part of the body (before the entries).
    pub const FIXED_LEN: usize = 14;
    /// The most entries that fit in [`MAX_BODY_LEN`] (170).
    pub const MAX_ENTRIES: usize = (MAX_BODY_LEN - Self::FIXED_LEN) / MdEntry::LEN;
}
