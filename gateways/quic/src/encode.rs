//! Messages to bytes.

use crate::error::EncodeError;
use crate::header::{Header, HEADER_LEN};
use crate::messages::market::{MdDelta, MdEntry};
use crate::messages::server::{Level, Snapshot};
use crate::messages::Message;
use crate::wire::Put;

/// Appends `msg`'s frame (header and body) to `out`.
///
/// # Panics
///
/// If a [`Snapshot`] has more than [`Snapshot::MAX_LEVELS`] levels or an [`MdDelta`] more than
/// [`MdDelta::MAX_ENTRIES`] entries; use [`try_encode`] when that is not guaranteed.
pub fn encode(msg: &Message, out: &mut Vec<u8>) {
    if let Err(e) = try_encode(msg, out) {
        panic!("cannot encode message: {e}");
    }
}

/// Appends `msg`'s frame (header and body) to `out` and returns the frame length, or fails
/// without touching `out` if the body would exceed [`MAX_BODY_LEN`](crate::MAX_BODY_LEN).
pub fn try_encode(msg: &Message, out: &mut Vec<u8>) -> Result<usize, EncodeError> {
    let limit = match msg {
        Message::Snapshot(s) => Some((s.levels.len(), Snapshot::MAX_LEVELS)),
        Message::MdDelta(d) => Some((d.entries.len(), MdDelta::MAX_ENTRIES)),
        _ => None,
    };
    let msg_type = msg.message_type();
    if let Some((count, max)) = limit {
        if count > max {
            return Err(EncodeError::TooManyEntries {
                msg_type: msg_type.code(),
                count,
                max,
            });
        }
    }
    let body_len = msg.body_len();
    let start = out.len();
    out.reserve(HEADER_LEN + body_len);
    let header = Header {
        msg_type,
        // Entry counts are checked above, so body_len <= MAX_BODY_LEN < u16::MAX.
        body_len: body_len as u16,
    };
    out.extend_from_slice(&header.to_bytes());
    put_body(msg, out);
    debug_assert_eq!(out.len() - start, HEADER_LEN + body_len);
    Ok(HEADER_LEN + body_len)
}

/// Appends `msg`'s body, fields in declaration order.
fn put_body(msg: &Message, out: &mut Vec<u8>) {
    match msg {
        Message::Logon(m) => {
            out.put_u64(m.account);
            out.extend_from_slice(&m.key_id);
            out.put_u64(m.timestamp);
            out.put_u64(m.nonce);
            out.extend_from_slice(&m.signature);
        }
        Message::NewOrder(m) => {
            out.put_u64(m.client_id);
            out.put_u32(m.instrument);
            out.put_u8(m.side.code());
            out.put_u8(m.tif.code());
            out.put_i64(m.price);
            out.put_i64(m.qty);
        }
        Message::Cancel(m) => {
            out.put_u64(m.client_id);
            out.put_u32(m.instrument);
        }
        Message::Amend(m) => {
            out.put_u64(m.client_id);
            out.put_u32(m.instrument);
            out.put_i64(m.new_price);
            out.put_i64(m.new_qty);
        }
        Message::MassCancel(m) => out.put_u32(m.instrument),
        Message::Quote(m) => {
            out.put_u64(m.quote_id);
            out.put_u32(m.instrument);
            out.put_i64(m.bid_price);
            out.put_i64(m.bid_qty);
            out.put_i64(m.ask_price);
            out.put_i64(m.ask_qty);
        }
        Message::SnapshotRequest(m) => {
            out.put_u32(m.instrument);
            out.put_u16(m.depth);
        }
        Message::Heartbeat(m) => out.put_u64(m.timestamp),
        Message::LogonAck(m) => {
            out.put_u64(m.session);
            out.put_u64(m.server_time);
        }
        Message::LogonReject(m) => out.put_u16(m.reason.0),
        Message::OrderAck(m) => {
            out.put_u64(m.client_id);
            out.put_u64(m.order_id);
            out.put_u64(m.seq);
            out.put_u64(m.ts);
        }
        Message::Reject(m) => {
            out.put_u64(m.client_id);
            out.put_u16(m.reason.0);
            out.put_u64(m.seq);
        }
        Message::Fill(m) => {
            out.put_u64(m.client_id);
            out.put_u64(m.order_id);
            out.put_i64(m.price);
            out.put_i64(m.qty);
            out.put_i64(m.leaves);
            out.put_u64(m.seq);
            out.put_u64(m.ts);
            out.put_u8(u8::from(m.aggressor));
        }
        Message::CancelAck(m) => {
            out.put_u64(m.client_id);
            out.put_i64(m.leaves);
            out.put_u64(m.seq);
        }
        Message::AmendAck(m) => {
            out.put_u64(m.client_id);
            out.put_i64(m.price);
            out.put_i64(m.qty);
            out.put_u64(m.seq);
        }
        Message::MassCancelAck(m) => {
            out.put_u32(m.instrument);
            out.put_u32(m.count);
            out.put_u64(m.seq);
        }
        Message::QuoteAck(m) => {
            out.put_u64(m.quote_id);
            out.put_u64(m.bid_order_id);
            out.put_u64(m.ask_order_id);
            out.put_u64(m.seq);
        }
        Message::ProtectionTripped(m) => {
            out.put_u32(m.instrument);
            out.put_i64(m.filled);
            out.put_i64(m.delta);
            out.put_u64(m.frozen_until);
            out.put_u64(m.seq);
        }
        Message::Snapshot(m) => {
            out.put_u32(m.instrument);
            out.put_u64(m.md_seq);
            // Checked by the caller: at most MAX_LEVELS (170) levels.
            out.put_u16(m.levels.len() as u16);
            for level in &m.levels {
                put_level(level, out);
            }
        }
        Message::MdDelta(m) => {
            out.put_u64(m.md_seq);
            out.put_u32(m.instrument);
            // Checked by the caller: at most MAX_ENTRIES (170) entries.
            out.put_u16(m.entries.len() as u16);
            for entry in &m.entries {
                put_entry(entry, out);
            }
        }
    }
}

fn put_level(level: &Level, out: &mut Vec<u8>) {
    out.put_u8(level.side.code());
    out.put_zeros(7);
    out.put_i64(level.price);
    out.put_i64(level.qty);
}

fn put_entry(entry: &MdEntry, out: &mut Vec<u8>) {
    out.put_u8(entry.action.code());
    out.put_u8(entry.side.code());
    out.put_zeros(6);
    out.put_i64(entry.price);
    out.put_i64(entry.qty);
}
