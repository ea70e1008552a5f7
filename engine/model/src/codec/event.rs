//! A canonical byte form of events, used to digest what a command produced.

use super::wire::Writer;
use crate::{EngineError, Event};

/// Appends a canonical encoding of `e` to `out` (for digests; not decoded).
pub fn encode_event(e: &Event, out: &mut Vec<u8>) {
    let mut w = Writer::new(out);
    match e {
        Event::Accepted {
            account,
            id,
            order_id,
            instrument,
            side,
            order_type,
            price,
            qty,
            ts,
        } => {
            w.u8(1)
                .u64(account.0)
                .str(id)
                .u64(order_id.0)
                .u32(instrument.0);
            w.u8(*side as u8)
                .u8(*order_type as u8)
                .i64(price.0)
                .i64(qty.0)
                .i64(ts.0);
        }
        Event::Rejected {
            account,
            id,
            reason,
        } => {
            w.u8(2).u64(account.0).str(id).u8(*reason as u8);
        }
        Event::Trade {
            instrument,
            trade_id,
            price,
            qty,
            maker_account,
            maker_id,
            taker_account,
            taker_id,
            taker_side,
        } => {
            w.u8(3)
                .u32(instrument.0)
                .u64(trade_id.0)
                .i64(price.0)
                .i64(qty.0);
            w.u64(maker_account.0)
                .str(maker_id)
                .u64(taker_account.0)
                .str(taker_id)
                .u8(*taker_side as u8);
        }
        Event::Cancelled {
            account,
            id,
            instrument,
            reason,
            leaves_qty,
        } => {
            w.u8(4)
                .u64(account.0)
                .str(id)
                .u32(instrument.0)
                .u8(*reason as u8)
                .i64(leaves_qty.0);
        }
        Event::Amended {
            account,
            id,
            instrument,
            price,
            qty,
            leaves_qty,
        } => {
            w.u8(5)
                .u64(account.0)
                .str(id)
                .u32(instrument.0)
                .i64(price.0)
                .i64(qty.0)
                .i64(leaves_qty.0);
        }
        Event::Filled {
            account,
            id,
            instrument,
        } => {
            w.u8(6).u64(account.0).str(id).u32(instrument.0);
        }
        Event::Error(err) => {
            w.u8(7);
            match *err {
                EngineError::ClockBackwards { now, ts } => w.u8(0).i64(now).i64(ts),
                EngineError::DuplicateSymbol => w.u8(1),
                EngineError::SameBaseQuote => w.u8(2),
                EngineError::UnsupportedKind(kind) => w.u8(3).u8(kind.len() as u8),
                EngineError::BadGrid => w.u8(4),
                EngineError::BalanceOverflow => w.u8(5),
            };
        }
    }
}
