//! Commands to bytes and back. Layout: version byte, tag byte, then the variant's fields.

use super::wire::{CodecError, Reader, Writer};
use super::FORMAT_VERSION;
use crate::decimal::Grid;
use crate::{
    AccountId, Amount, Command, Controls, InstrumentId, InstrumentKind, InstrumentSpec, Margin,
    NewOrder, OptionRight, OrderType, Price, PriceKind, Qty, Quote, QuoteSide, SelfTradePrevention,
    Side, TimeInForce, Timestamp, RISK_SCENARIOS,
};

/// Upper bound of an encoded command's length (an `AddInstrument` with the longest names; a
/// `Quote` with three longest ids takes 157 bytes).
pub const MAX_COMMAND_LEN: usize = 160;

const ADD_INSTRUMENT: u8 = 1;
const DEPOSIT: u8 = 2;
const WITHDRAW: u8 = 3;
const NEW: u8 = 4;
const CANCEL: u8 = 5;
const AMEND: u8 = 6;
const MASS_CANCEL: u8 = 7;
const TIME: u8 = 8;
const SET_CONTROLS: u8 = 9;
const HALT: u8 = 10;
const KILL_SWITCH: u8 = 11;
const SET_FEES: u8 = 12;
const DISCONNECT: u8 = 13;
const SET_PRICE: u8 = 14;
const FUND: u8 = 15;
const SETTLE: u8 = 16;
const OPTION_RISK: u8 = 17;
const RESOLVE: u8 = 18;
const FUND_PREMIUM: u8 = 19;
const INSURANCE_DEPOSIT: u8 = 20;
const QUOTE: u8 = 21;
const SET_PROTECTION: u8 = 22;
const RESET_PROTECTION: u8 = 23;

/// Appends the encoding of `cmd` to `out`.
pub fn encode_command(cmd: &Command, out: &mut Vec<u8>) {
    let mut w = Writer::new(out);
    w.u8(FORMAT_VERSION);
    match cmd {
        Command::AddInstrument(s) => {
            w.u8(ADD_INSTRUMENT)
                .str(&s.symbol)
                .str(&s.base)
                .str(&s.quote);
            kind(&mut w, &s.kind);
            for g in [s.tick, s.lot] {
                let (m, sc) = g.parts();
                w.i128(m).u8(sc as u8);
            }
            w.i32(s.maker_fee_bps).i32(s.taker_fee_bps);
        }
        Command::Deposit {
            account,
            asset,
            amount,
        } => {
            w.u8(DEPOSIT).u64(account.0).str(asset).i128(amount.0);
        }
        Command::Withdraw {
            account,
            asset,
            amount,
            id,
        } => {
            w.u8(WITHDRAW)
                .u64(account.0)
                .str(asset)
                .i128(amount.0)
                .str(id);
        }
        Command::New(o) => {
            w.u8(NEW)
                .u64(o.account.0)
                .u32(inst(o.instrument))
                .str(&o.id);
            w.u8(o.side as u8)
                .u8(o.order_type as u8)
                .i64(o.price.0)
                .i64(o.qty.0);
            let (tif, expire) = match o.tif {
                TimeInForce::Gtc => (0, 0),
                TimeInForce::Ioc => (1, 0),
                TimeInForce::Fok => (2, 0),
                TimeInForce::Gtd(t) => (3, t.0),
            };
            // Flags: bit 0 post-only, bit 1 reduce-only (older journals only ever wrote 0 or 1).
            let flags = o.post_only as u8 | (o.reduce_only as u8) << 1;
            w.u8(tif).i64(expire).u8(flags).u8(o.stp as u8);
        }
        Command::Cancel {
            account,
            instrument,
            id,
        } => {
            w.u8(CANCEL).u64(account.0).u32(inst(*instrument)).str(id);
        }
        Command::Amend {
            account,
            instrument,
            id,
            price,
            qty,
        } => {
            w.u8(AMEND).u64(account.0).u32(inst(*instrument)).str(id);
            w.opt(*price, |w, p| {
                w.i64(p.0);
            });
            w.opt(*qty, |w, q| {
                w.i64(q.0);
            });
        }
        Command::MassCancel {
            account,
            instrument,
        } => {
            w.u8(MASS_CANCEL).u64(account.0);
            w.opt(*instrument, |w, i| {
                w.u32(inst(i));
            });
        }
        Command::Time { ts } => {
            w.u8(TIME).i64(ts.0);
        }
        Command::SetControls {
            instrument,
            controls: c,
        } => {
            w.u8(SET_CONTROLS).u32(instrument.0);
            w.opt(c.price_band_bps, |w, v| {
                w.u32(v);
            });
            w.opt(c.reference_price, |w, v| {
                w.i64(v.0);
            });
            w.opt(c.max_qty, |w, v| {
                w.i64(v.0);
            });
            w.opt(c.max_notional, |w, v| {
                w.i128(v.0);
            });
            // A trailing field: written only when set, so older encodings are unchanged.
            if let Some(v) = c.max_position {
                w.u8(1).i64(v.0);
            }
        }
        Command::Halt { instrument, halted } => {
            w.u8(HALT).u32(instrument.0).u8(*halted as u8);
        }
        Command::KillSwitch { account, on } => {
            w.u8(KILL_SWITCH).u64(account.0).u8(*on as u8);
        }
        Command::SetFees {
            instrument,
            maker_fee_bps,
            taker_fee_bps,
        } => {
            w.u8(SET_FEES)
                .u32(instrument.0)
                .i32(*maker_fee_bps)
                .i32(*taker_fee_bps);
        }
        Command::Disconnect { account } => {
            w.u8(DISCONNECT).u64(account.0);
        }
        Command::SetPrice {
            instrument,
            kind,
            price,
        } => {
            w.u8(SET_PRICE)
                .u32(instrument.0)
                .u8(*kind as u8)
                .i64(price.0);
        }
        Command::Fund {
            instrument,
            rate_ppm,
        } => {
            w.u8(FUND).u32(instrument.0).i64(*rate_ppm);
        }
        Command::Settle { instrument, price } => {
            w.u8(SETTLE).u32(instrument.0).i64(price.0);
        }
        Command::OptionRisk {
            instrument,
            vol_ppm,
            mark,
            values,
        } => {
            w.u8(OPTION_RISK)
                .u32(instrument.0)
                .u32(*vol_ppm)
                .i64(mark.0);
            for v in values {
                w.i64(*v);
            }
        }
        Command::Resolve { instrument, yes } => {
            w.u8(RESOLVE).u32(instrument.0).u8(*yes as u8);
        }
        Command::FundPremium { instrument } => {
            w.u8(FUND_PREMIUM).u32(instrument.0);
        }
        Command::InsuranceDeposit { asset, amount } => {
            w.u8(INSURANCE_DEPOSIT).str(asset).i128(amount.0);
        }
        Command::Quote(q) => {
            w.u8(QUOTE)
                .u64(q.account.0)
                .u32(inst(q.instrument))
                .str(&q.id)
                .str(&q.bid_id)
                .str(&q.ask_id);
            for side in [q.bid, q.ask] {
                w.i64(side.price.0).i64(side.qty.0);
            }
        }
        Command::SetProtection {
            account,
            instrument,
            limits: l,
        } => {
            w.u8(SET_PROTECTION).u64(account.0).u32(instrument.0);
            w.limits(l);
        }
        Command::ResetProtection {
            account,
            instrument,
        } => {
            w.u8(RESET_PROTECTION).u64(account.0).u32(instrument.0);
        }
    }
}

/// An unlisted instrument is stored as `u32::MAX`.
fn inst(i: Option<InstrumentId>) -> u32 {
    i.map_or(u32::MAX, |i| i.0)
}

fn kind(w: &mut Writer, k: &InstrumentKind) {
    match *k {
        InstrumentKind::Spot => {
            w.u8(0);
        }
        InstrumentKind::DatedFuture { expiry, margin } => {
            w.u8(1).i64(expiry.0);
            write_margin(w, margin);
        }
        InstrumentKind::Perpetual {
            funding_interval_ms,
            margin,
            basis_smoothing_ppm,
            funding_cap_ppm,
        } => {
            w.u8(2).i64(funding_interval_ms);
            write_margin(w, margin);
            w.u32(basis_smoothing_ppm).u32(funding_cap_ppm);
        }
        InstrumentKind::Option {
            underlying,
            right,
            strike,
            expiry,
            margin,
        } => {
            w.u8(3)
                .u32(underlying.0)
                .u8(right as u8)
                .i64(strike.0)
                .i64(expiry.0);
            write_margin(w, margin);
        }
        InstrumentKind::Binary { expiry } => {
            w.u8(4).i64(expiry.0);
        }
        InstrumentKind::ComputeFuture {
            expiry,
            hours_per_contract,
            margin,
        } => {
            w.u8(5).i64(expiry.0).u32(hours_per_contract);
            write_margin(w, margin);
        }
    }
}

/// Derivative kinds end with their margin rates (initial, maintenance).
fn write_margin(w: &mut Writer, m: Margin) {
    w.u32(m.initial_bps).u32(m.maintenance_bps);
}

fn read_margin(r: &mut Reader) -> Result<Margin, CodecError> {
    Ok(Margin {
        initial_bps: r.u32()?,
        maintenance_bps: r.u32()?,
    })
}

/// Decodes one command; every byte must be used.
pub fn decode_command(bytes: &[u8]) -> Result<Command, CodecError> {
    let mut r = Reader::new(bytes);
    let version = r.u8()?;
    if version != FORMAT_VERSION {
        return Err(CodecError::Version(version));
    }
    let cmd = match r.u8()? {
        ADD_INSTRUMENT => {
            let symbol = r.str("symbol")?;
            let base = r.str("base")?;
            let quote = r.str("quote")?;
            let kind = read_kind(&mut r)?;
            let tick = grid(&mut r, "tick")?;
            let lot = grid(&mut r, "lot")?;
            Command::AddInstrument(InstrumentSpec {
                symbol,
                kind,
                base,
                quote,
                tick,
                lot,
                maker_fee_bps: r.i32()?,
                taker_fee_bps: r.i32()?,
            })
        }
        DEPOSIT => Command::Deposit {
            account: AccountId(r.u64()?),
            asset: r.str("asset")?,
            amount: Amount(r.i128()?),
        },
        WITHDRAW => Command::Withdraw {
            account: AccountId(r.u64()?),
            asset: r.str("asset")?,
            amount: Amount(r.i128()?),
            id: r.str("id")?,
        },
        NEW => {
            let account = AccountId(r.u64()?);
            let instrument = read_inst(&mut r)?;
            let id = r.str("id")?;
            let side = match r.u8()? {
                0 => Side::Buy,
                1 => Side::Sell,
                v => return Err(invalid("side", v)),
            };
            let order_type = match r.u8()? {
                0 => OrderType::Limit,
                1 => OrderType::Market,
                v => return Err(invalid("order type", v)),
            };
            let price = Price(r.i64()?);
            let qty = Qty(r.i64()?);
            let (tif, expire) = (r.u8()?, r.i64()?);
            let tif = match tif {
                0 => TimeInForce::Gtc,
                1 => TimeInForce::Ioc,
                2 => TimeInForce::Fok,
                3 => TimeInForce::Gtd(Timestamp(expire)),
                v => return Err(invalid("time in force", v)),
            };
            let flags = r.u8()?;
            if flags > 3 {
                return Err(invalid("order flags", flags));
            }
            let (post_only, reduce_only) = (flags & 1 != 0, flags & 2 != 0);
            let stp = match r.u8()? {
                0 => SelfTradePrevention::None,
                1 => SelfTradePrevention::CancelTaker,
                2 => SelfTradePrevention::CancelMaker,
                3 => SelfTradePrevention::CancelBoth,
                v => return Err(invalid("self-trade prevention", v)),
            };
            Command::New(NewOrder {
                account,
                instrument,
                id,
                side,
                order_type,
                price,
                qty,
                tif,
                post_only,
                reduce_only,
                stp,
            })
        }
        CANCEL => Command::Cancel {
            account: AccountId(r.u64()?),
            instrument: read_inst(&mut r)?,
            id: r.str("id")?,
        },
        AMEND => Command::Amend {
            account: AccountId(r.u64()?),
            instrument: read_inst(&mut r)?,
            id: r.str("id")?,
            price: r.opt("price", |r| r.i64().map(Price))?,
            qty: r.opt("qty", |r| r.i64().map(Qty))?,
        },
        MASS_CANCEL => Command::MassCancel {
            account: AccountId(r.u64()?),
            instrument: r.opt("instrument", read_inst)?,
        },
        TIME => Command::Time {
            ts: Timestamp(r.i64()?),
        },
        SET_CONTROLS => Command::SetControls {
            instrument: InstrumentId(r.u32()?),
            controls: Controls {
                price_band_bps: r.opt("price band", |r| r.u32())?,
                reference_price: r.opt("reference price", |r| r.i64().map(Price))?,
                max_qty: r.opt("max qty", |r| r.i64().map(Qty))?,
                max_notional: r.opt("max notional", |r| r.i128().map(Amount))?,
                max_position: match r.at_end() {
                    true => None,
                    false => match r.opt("max position", |r| r.i64().map(Qty))? {
                        // Canonical: an absent limit is no byte at all.
                        None => return Err(invalid("max position", 0)),
                        v => v,
                    },
                },
            },
        },
        HALT => Command::Halt {
            instrument: InstrumentId(r.u32()?),
            halted: flag(&mut r, "halted")?,
        },
        KILL_SWITCH => Command::KillSwitch {
            account: AccountId(r.u64()?),
            on: flag(&mut r, "kill switch")?,
        },
        SET_FEES => Command::SetFees {
            instrument: InstrumentId(r.u32()?),
            maker_fee_bps: r.i32()?,
            taker_fee_bps: r.i32()?,
        },
        DISCONNECT => Command::Disconnect {
            account: AccountId(r.u64()?),
        },
        SET_PRICE => Command::SetPrice {
            instrument: InstrumentId(r.u32()?),
            kind: match r.u8()? {
                0 => PriceKind::Index,
                1 => PriceKind::Mark,
                v => return Err(invalid("price kind", v)),
            },
            price: Price(r.i64()?),
        },
        FUND => Command::Fund {
            instrument: InstrumentId(r.u32()?),
            rate_ppm: r.i64()?,
        },
        SETTLE => Command::Settle {
            instrument: InstrumentId(r.u32()?),
            price: Price(r.i64()?),
        },
        OPTION_RISK => {
            let instrument = InstrumentId(r.u32()?);
            let vol_ppm = r.u32()?;
            let mark = Price(r.i64()?);
            let mut values = [0i64; RISK_SCENARIOS];
            for v in &mut values {
                *v = r.i64()?;
            }
            Command::OptionRisk {
                instrument,
                vol_ppm,
                mark,
                values,
            }
        }
        RESOLVE => Command::Resolve {
            instrument: InstrumentId(r.u32()?),
            yes: flag(&mut r, "outcome")?,
        },
        FUND_PREMIUM => Command::FundPremium {
            instrument: InstrumentId(r.u32()?),
        },
        INSURANCE_DEPOSIT => Command::InsuranceDeposit {
            asset: r.str("asset")?,
            amount: Amount(r.i128()?),
        },
        QUOTE => Command::Quote(Quote {
            account: AccountId(r.u64()?),
            instrument: read_inst(&mut r)?,
            id: r.str("id")?,
            bid_id: r.str("bid id")?,
            ask_id: r.str("ask id")?,
            bid: quote_side(&mut r)?,
            ask: quote_side(&mut r)?,
        }),
        SET_PROTECTION => Command::SetProtection {
            account: AccountId(r.u64()?),
            instrument: InstrumentId(r.u32()?),
            limits: r.limits()?,
        },
        RESET_PROTECTION => Command::ResetProtection {
            account: AccountId(r.u64()?),
            instrument: InstrumentId(r.u32()?),
        },
        tag => return Err(invalid("command tag", tag)),
    };
    r.finish()?;
    Ok(cmd)
}

fn invalid(field: &'static str, value: u8) -> CodecError {
    CodecError::Invalid {
        field,
        value: value as u64,
    }
}

/// A boolean byte: 0 or 1, nothing else (so the encoding stays canonical).
fn flag(r: &mut Reader, field: &'static str) -> Result<bool, CodecError> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(invalid(field, v)),
    }
}

fn quote_side(r: &mut Reader) -> Result<QuoteSide, CodecError> {
    Ok(QuoteSide {
        price: Price(r.i64()?),
        qty: Qty(r.i64()?),
    })
}

fn read_inst(r: &mut Reader) -> Result<Option<InstrumentId>, CodecError> {
    let v = r.u32()?;
    Ok((v != u32::MAX).then_some(InstrumentId(v)))
}

fn grid(r: &mut Reader, field: &'static str) -> Result<Grid, CodecError> {
    let m = r.i128()?;
    let s = r.u8()?;
    Grid::from_parts(m, s as u32).map_err(|_| CodecError::Invalid {
        field,
        value: s as u64,
    })
}

fn read_kind(r: &mut Reader) -> Result<InstrumentKind, CodecError> {
    Ok(match r.u8()? {
        0 => InstrumentKind::Spot,
        1 => InstrumentKind::DatedFuture {
            expiry: Timestamp(r.i64()?),
            margin: read_margin(r)?,
        },
        2 => InstrumentKind::Perpetual {
            funding_interval_ms: r.i64()?,
            margin: read_margin(r)?,
            basis_smoothing_ppm: r.u32()?,
            funding_cap_ppm: r.u32()?,
        },
        3 => InstrumentKind::Option {
            underlying: InstrumentId(r.u32()?),
            right: match r.u8()? {
                0 => OptionRight::Call,
                1 => OptionRight::Put,
                v => return Err(invalid("option right", v)),
            },
            strike: Price(r.i64()?),
            expiry: Timestamp(r.i64()?),
            margin: read_margin(r)?,
        },
        4 => InstrumentKind::Binary {
            expiry: Timestamp(r.i64()?),
        },
        5 => InstrumentKind::ComputeFuture {
            expiry: Timestamp(r.i64()?),
            hours_per_contract: r.u32()?,
            margin: read_margin(r)?,
        },
        v => return Err(invalid("instrument kind", v)),
    })
}
