//! A canonical byte form of events, used to digest what a command produced.
//!
//! Every byte here enters the journal's event-digest chain, so a code once given is never
//! changed: new event tags, reject and cancel reasons and engine errors get new codes. Reasons
//! are coded explicitly (not by enum position), because the reject reasons are declared in
//! precedence order and new ones can sit anywhere in it.

use super::wire::Writer;
use crate::{CancelReason, EngineError, Event, RejectReason};

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
            w.u8(2).u64(account.0).str(id).u8(reject_code(*reason));
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
                .u8(cancel_code(*reason))
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
                EngineError::BadGrid => w.u8(4),
                EngineError::BalanceOverflow => w.u8(5),
                EngineError::UnknownInstrument(id) => w.u8(6).u32(id),
                EngineError::NoMargin => w.u8(7),
                EngineError::WrongKind(id) => w.u8(8).u32(id),
                EngineError::BadPrice => w.u8(9),
                EngineError::NoMark(id) => w.u8(10).u32(id),
                EngineError::AlreadySettled(id) => w.u8(11).u32(id),
                // Code 3 was `UnsupportedKind` (every kind trades now); it is never reused.
                EngineError::FundingTooEarly(id) => w.u8(12).u32(id),
                EngineError::NoIndex(id) => w.u8(13).u32(id),
                EngineError::BadRisk => w.u8(14),
                EngineError::BadUnit => w.u8(15),
                EngineError::BadUnderlying => w.u8(16),
                EngineError::BadAmount => w.u8(17),
            };
        }
        Event::Halted { instrument, halted } => {
            w.u8(8).u32(instrument.0).u8(*halted as u8);
        }
        Event::FeesChanged {
            instrument,
            maker_fee_bps,
            taker_fee_bps,
        } => {
            w.u8(9)
                .u32(instrument.0)
                .i32(*maker_fee_bps)
                .i32(*taker_fee_bps);
        }
        Event::KillSwitch { account, on } => {
            w.u8(10).u64(account.0).u8(*on as u8);
        }
        Event::PriceSet {
            instrument,
            kind,
            price,
        } => {
            w.u8(11).u32(instrument.0).u8(*kind as u8).i64(price.0);
        }
        Event::FundingPaid {
            account,
            instrument,
            amount,
        } => {
            w.u8(12).u64(account.0).u32(instrument.0).i128(amount.0);
        }
        Event::PositionSettled {
            account,
            instrument,
            qty,
            pnl,
        } => {
            w.u8(13)
                .u64(account.0)
                .u32(instrument.0)
                .i64(*qty)
                .i128(pnl.0);
        }
        Event::Settled { instrument, price } => {
            w.u8(14).u32(instrument.0).i64(price.0);
        }
        Event::OptionMarked {
            instrument,
            vol_ppm,
            mark,
        } => {
            w.u8(15).u32(instrument.0).u32(*vol_ppm).i64(mark.0);
        }
        Event::FundingRate {
            instrument,
            rate_ppm,
        } => {
            w.u8(16).u32(instrument.0).i64(*rate_ppm);
        }
        Event::LiquidationStarted {
            account,
            asset,
            equity,
            maintenance,
        } => {
            w.u8(17)
                .u64(account.0)
                .u32(asset.0)
                .i128(equity.0)
                .i128(maintenance.0);
        }
        Event::LiquidationStep {
            account,
            instrument,
            side,
            qty,
            limit,
            filled,
        } => {
            w.u8(18).u64(account.0).u32(instrument.0).u8(*side as u8);
            w.i64(qty.0).i64(limit.0).i64(filled.0);
        }
        Event::Deleveraged {
            account,
            counterparty,
            instrument,
            qty,
            price,
        } => {
            w.u8(19)
                .u64(account.0)
                .u64(counterparty.0)
                .u32(instrument.0)
                .i64(*qty)
                .i64(price.0);
        }
        Event::InsurancePaid {
            account,
            asset,
            amount,
        } => {
            w.u8(20).u64(account.0).u32(asset.0).i128(amount.0);
        }
        Event::Liquidated {
            account,
            asset,
            balance,
        } => {
            w.u8(21).u64(account.0).u32(asset.0).i128(balance.0);
        }
        Event::Quoted {
            account,
            instrument,
            id,
            bid,
            ask,
        } => {
            w.u8(22).u64(account.0).u32(instrument.0).str(id);
            for side in [bid, ask] {
                w.opt(*side, |w, o| {
                    w.u64(o.0);
                });
            }
        }
        Event::ProtectionSet {
            account,
            instrument,
            limits: l,
        } => {
            w.u8(23).u64(account.0).u32(instrument.0);
            w.limits(l);
        }
        Event::ProtectionTripped {
            account,
            instrument,
            filled,
            delta,
            frozen_until,
        } => {
            w.u8(24)
                .u64(account.0)
                .u32(instrument.0)
                .i64(*filled)
                .i64(*delta);
            w.opt(*frozen_until, |w, t| {
                w.i64(t.0);
            });
        }
        Event::ProtectionReset {
            account,
            instrument,
        } => {
            w.u8(25).u64(account.0).u32(instrument.0);
        }
    }
}

/// The digest code of a reject reason (fixed forever; new reasons take new codes).
pub fn reject_code(r: RejectReason) -> u8 {
    match r {
        RejectReason::UnknownSymbol => 0,
        RejectReason::DuplicateId => 1,
        RejectReason::UnknownOrder => 2,
        RejectReason::InvalidPrice => 3,
        RejectReason::InvalidQty => 4,
        RejectReason::InvalidExpire => 5,
        RejectReason::PriceBand => 6,
        RejectReason::MaxQty => 7,
        RejectReason::MaxNotional => 8,
        RejectReason::TooManyOrders => 9,
        RejectReason::EngineCapacity => 10,
        RejectReason::PostOnlyWouldCross => 11,
        RejectReason::FokUnfilled => 12,
        RejectReason::InsufficientBalance => 13,
        RejectReason::KillSwitch => 14,
        RejectReason::InstrumentHalted => 15,
        RejectReason::InsufficientMargin => 16,
        RejectReason::ReduceOnly => 17,
        RejectReason::PositionLimit => 18,
        RejectReason::MmProtection => 19,
        RejectReason::CrossedQuote => 20,
    }
}

/// The digest code of a cancel reason (fixed forever; new reasons take new codes).
pub fn cancel_code(r: CancelReason) -> u8 {
    match r {
        CancelReason::User => 0,
        CancelReason::IocRemainder => 1,
        CancelReason::Mass => 2,
        CancelReason::Stp => 3,
        CancelReason::Expired => 4,
        CancelReason::PriceBand => 5,
        CancelReason::KillSwitch => 6,
        CancelReason::Disconnect => 7,
        CancelReason::Settled => 8,
        CancelReason::Liquidation => 9,
        CancelReason::Replaced => 10,
        CancelReason::Protection => 11,
    }
}
