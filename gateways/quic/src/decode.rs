//! Bytes to messages.
//!
//! Decoding never panics and never allocates more than the entry count a validated header
//! allows (at most 170 entries, i.e. the declared body length).

use crate::error::DecodeError;
use crate::header::{Header, HEADER_LEN};
use crate::messages::client::{Amend, Cancel, Logon, MassCancel, NewOrder, Quote, SnapshotRequest};
use crate::messages::market::{MdDelta, MdEntry};
use crate::messages::server::{
    AmendAck, CancelAck, Fill, Level, LogonAck, LogonReject, MassCancelAck, OrderAck,
    ProtectionTripped, QuoteAck, Reject, Snapshot,
};
use crate::messages::{Heartbeat, Message, MessageType};
use crate::types::{MdAction, RejectCode, Side, TimeInForce};
use crate::wire::Cursor;

/// Decodes the frame at the start of `buf`, returning the message and the number of bytes it
/// occupied. Bytes after the frame are ignored (they belong to the next frame).
///
/// A valid but incomplete prefix (including an empty `buf`) gives
/// [`DecodeError::Incomplete`]; the header is validated as soon as its bytes are available,
/// so garbage is rejected without waiting for a body.
pub fn decode(buf: &[u8]) -> Result<(Message, usize), DecodeError> {
    let header = Header::parse(buf)?;
    let frame_len = header.frame_len();
    let body = buf
        .get(HEADER_LEN..frame_len)
        .ok_or(DecodeError::Incomplete {
            needed: frame_len.saturating_sub(buf.len()),
        })?;
    Ok((decode_body(header, body)?, frame_len))
}

/// Decodes a datagram, which must hold exactly one whole frame: a short datagram gives
/// [`DecodeError::Incomplete`], extra bytes give [`DecodeError::TrailingBytes`].
pub fn decode_datagram(buf: &[u8]) -> Result<Message, DecodeError> {
    let (msg, used) = decode(buf)?;
    match buf.len() - used {
        0 => Ok(msg),
        extra => Err(DecodeError::TrailingBytes(extra)),
    }
}

/// Decodes a body of exactly `header.body_len` bytes.
fn decode_body(header: Header, body: &[u8]) -> Result<Message, DecodeError> {
    let code = header.msg_type.code();
    let mut r = Cursor::new(body, code, header.body_len);
    let msg = match header.msg_type {
        MessageType::Logon => Message::Logon(Logon {
            account: r.u64()?,
            key_id: r.array()?,
            timestamp: r.u64()?,
            nonce: r.u64()?,
            signature: r.array()?,
        }),
        MessageType::NewOrder => Message::NewOrder(NewOrder {
            client_id: r.u64()?,
            instrument: r.u32()?,
            side: side(r.u8()?)?,
            tif: tif(r.u8()?)?,
            price: r.i64()?,
            qty: r.i64()?,
        }),
        MessageType::Cancel => Message::Cancel(Cancel {
            client_id: r.u64()?,
            instrument: r.u32()?,
        }),
        MessageType::Amend => Message::Amend(Amend {
            client_id: r.u64()?,
            instrument: r.u32()?,
            new_price: r.i64()?,
            new_qty: r.i64()?,
        }),
        MessageType::MassCancel => Message::MassCancel(MassCancel {
            instrument: r.u32()?,
        }),
        MessageType::Quote => Message::Quote(Quote {
            quote_id: r.u64()?,
            instrument: r.u32()?,
            bid_price: r.i64()?,
            bid_qty: r.i64()?,
            ask_price: r.i64()?,
            ask_qty: r.i64()?,
        }),
        MessageType::SnapshotRequest => Message::SnapshotRequest(SnapshotRequest {
            instrument: r.u32()?,
            depth: r.u16()?,
        }),
        MessageType::Heartbeat => Message::Heartbeat(Heartbeat {
            timestamp: r.u64()?,
        }),
        MessageType::LogonAck => Message::LogonAck(LogonAck {
            session: r.u64()?,
            server_time: r.u64()?,
        }),
        MessageType::LogonReject => Message::LogonReject(LogonReject {
            reason: RejectCode(r.u16()?),
        }),
        MessageType::OrderAck => Message::OrderAck(OrderAck {
            client_id: r.u64()?,
            order_id: r.u64()?,
            seq: r.u64()?,
            ts: r.u64()?,
        }),
        MessageType::Reject => Message::Reject(Reject {
            client_id: r.u64()?,
            reason: RejectCode(r.u16()?),
            seq: r.u64()?,
        }),
        MessageType::Fill => Message::Fill(Fill {
            client_id: r.u64()?,
            order_id: r.u64()?,
            price: r.i64()?,
            qty: r.i64()?,
            leaves: r.i64()?,
            seq: r.u64()?,
            ts: r.u64()?,
            aggressor: match r.u8()? {
                0 => false,
                1 => true,
                value => {
                    return Err(DecodeError::InvalidEnum {
                        field: "aggressor",
                        value,
                    })
                }
            },
        }),
        MessageType::CancelAck => Message::CancelAck(CancelAck {
            client_id: r.u64()?,
            leaves: r.i64()?,
            seq: r.u64()?,
        }),
        MessageType::AmendAck => Message::AmendAck(AmendAck {
            client_id: r.u64()?,
            price: r.i64()?,
            qty: r.i64()?,
            seq: r.u64()?,
        }),
        MessageType::MassCancelAck => Message::MassCancelAck(MassCancelAck {
            instrument: r.u32()?,
            count: r.u32()?,
            seq: r.u64()?,
        }),
        MessageType::QuoteAck => Message::QuoteAck(QuoteAck {
            quote_id: r.u64()?,
            bid_order_id: r.u64()?,
            ask_order_id: r.u64()?,
            seq: r.u64()?,
        }),
        MessageType::ProtectionTripped => Message::ProtectionTripped(ProtectionTripped {
            instrument: r.u32()?,
            filled: r.i64()?,
            delta: r.i64()?,
            frozen_until: r.u64()?,
            seq: r.u64()?,
        }),
        MessageType::Snapshot => {
            let instrument = r.u32()?;
            let md_seq = r.u64()?;
            let count = entry_count(&mut r, header, Level::LEN)?;
            let mut levels = Vec::with_capacity(count);
            for _ in 0..count {
                let side = side(r.u8()?)?;
                r.padding::<7>()?;
                levels.push(Level {
                    side,
                    price: r.i64()?,
                    qty: r.i64()?,
                });
            }
            Message::Snapshot(Snapshot {
                instrument,
                md_seq,
                levels,
            })
        }
        MessageType::MdDelta => {
            let md_seq = r.u64()?;
            let instrument = r.u32()?;
            let count = entry_count(&mut r, header, MdEntry::LEN)?;
            let mut entries = Vec::with_capacity(count);
            for _ in 0..count {
                let action = md_action(r.u8()?)?;
                let side = side(r.u8()?)?;
                r.padding::<6>()?;
                entries.push(MdEntry {
                    action,
                    side,
                    price: r.i64()?,
                    qty: r.i64()?,
                });
            }
            Message::MdDelta(MdDelta {
                md_seq,
                instrument,
                entries,
            })
        }
    };
    debug_assert_eq!(
        r.remaining(),
        0,
        "body length validated for {:?}",
        header.msg_type
    );
    Ok(msg)
}

/// Reads a `u16` entry count and checks that exactly `count` entries of `entry_len` bytes
/// remain in the body.
fn entry_count(r: &mut Cursor<'_>, header: Header, entry_len: usize) -> Result<usize, DecodeError> {
    let count = r.u16()?;
    if usize::from(count) * entry_len == r.remaining() {
        Ok(usize::from(count))
    } else {
        Err(DecodeError::CountMismatch {
            msg_type: header.msg_type.code(),
            count,
            len: header.body_len,
        })
    }
}

fn side(value: u8) -> Result<Side, DecodeError> {
    Side::from_code(value).ok_or(DecodeError::InvalidEnum {
        field: "side",
        value,
    })
}

fn tif(value: u8) -> Result<TimeInForce, DecodeError> {
    TimeInForce::from_code(value).ok_or(DecodeError::InvalidEnum {
        field: "tif",
        value,
    })
}

fn md_action(value: u8) -> Result<MdAction, DecodeError> {
    MdAction::from_code(value).ok_or(DecodeError::InvalidEnum {
        field: "action",
        value,
    })
}
