//! One input line to an engine command or a query, resolving symbols and converting decimals
//! against the engine's instruments.

use super::fields::{Dec, FieldError, Fields};
use super::{parse_derivatives, parse_quotes};
use rust_decimal::Decimal;
use serde_json::Value;
use tradestream_engine::Engine;
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, Command, Controls, InstrumentId, InstrumentSpec, Margin, NewOrder,
    OrderType, Price, PriceKind, Qty, SelfTradePrevention, Side, TimeInForce, Timestamp,
};

/// What a line asks for.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// A state change.
    Command(Command),
    /// An account's balances.
    Balance(AccountId),
    /// The fee account's balances.
    Fees,
    /// An account's derivative positions.
    Positions(AccountId),
    /// An account's margin, per settlement asset.
    Margin(AccountId),
    /// The insurance funds.
    Insurance,
    /// An option priced at the edge: mark and greeks (changes nothing).
    Greeks(super::parse_derivatives::Priced),
    /// Aggregated levels of a book.
    Book {
        /// Instrument.
        instrument: InstrumentId,
        /// Levels per side.
        depth: usize,
    },
}

const SIDES: &[(&str, Side)] = &[("buy", Side::Buy), ("sell", Side::Sell)];
const TYPES: &[(&str, OrderType)] = &[("limit", OrderType::Limit), ("market", OrderType::Market)];
const STPS: &[(&str, SelfTradePrevention)] = &[
    ("none", SelfTradePrevention::None),
    ("cancel_taker", SelfTradePrevention::CancelTaker),
    ("cancel_maker", SelfTradePrevention::CancelMaker),
    ("cancel_both", SelfTradePrevention::CancelBoth),
];
#[derive(Clone, Copy)]
enum Tif {
    Gtc,
    Ioc,
    Fok,
    Gtd,
}
const TIFS: &[(&str, Tif)] = &[
    ("gtc", Tif::Gtc),
    ("ioc", Tif::Ioc),
    ("fok", Tif::Fok),
    ("gtd", Tif::Gtd),
];

/// Parses one line (without its newline).
pub fn parse_line(line: &[u8], engine: &Engine) -> Result<Input, FieldError> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(map) = &value else {
        return Err("line must be a JSON object".into());
    };
    let f = Fields(map);
    let op = f.str("op")?;
    let cmd = match op {
        "instrument" => instrument(&f, engine)?,
        "deposit" => Command::Deposit {
            account: f.account()?,
            asset: f.name("asset")?,
            amount: positive_amount(&f, "amount")?,
        },
        "withdraw" => Command::Withdraw {
            account: f.account()?,
            asset: f.name("asset")?,
            amount: positive_amount(&f, "amount")?,
            id: f.id()?,
        },
        "new" => new_order(&f, engine)?,
        "cancel" => Command::Cancel {
            account: f.account()?,
            instrument: symbol(&f, engine)?,
            id: f.id()?,
        },
        "amend" => amend(&f, engine)?,
        "mass_cancel" => {
            let account = f.account()?;
            let instrument = match f.opt_str("symbol")? {
                None => None,
                Some(_) => Some(symbol(&f, engine)?),
            };
            Command::MassCancel {
                account,
                instrument,
            }
        }
        "time" => Command::Time {
            ts: Timestamp(f.int("ts")?),
        },
        "controls" => controls(&f, engine)?,
        "halt" | "resume" => Command::Halt {
            instrument: known_symbol(&f, engine)?,
            halted: op == "halt",
        },
        "kill_switch" => Command::KillSwitch {
            account: f.account()?,
            on: f.bool("on")?,
        },
        "set_fees" => Command::SetFees {
            instrument: known_symbol(&f, engine)?,
            maker_fee_bps: required_fee(&f, "maker_fee_bps")?,
            taker_fee_bps: required_fee(&f, "taker_fee_bps")?,
        },
        "disconnect" => Command::Disconnect {
            account: f.account()?,
        },
        "index" | "mark" => {
            let instrument = known_symbol(&f, engine)?;
            Command::SetPrice {
                instrument,
                kind: if op == "index" {
                    PriceKind::Index
                } else {
                    PriceKind::Mark
                },
                price: price_of(&f, engine, instrument)?,
            }
        }
        "fund" => Command::Fund {
            instrument: known_symbol(&f, engine)?,
            rate_ppm: f.int_in("rate_ppm", -1_000_000, 1_000_000)?,
        },
        "settle" => {
            let instrument = known_symbol(&f, engine)?;
            Command::Settle {
                instrument,
                price: price_of(&f, engine, instrument)?,
            }
        }
        "option_risk" => parse_derivatives::option_risk(&f, engine)?,
        "vol" => parse_derivatives::vol(&f, engine)?,
        "resolve" => Command::Resolve {
            instrument: known_symbol(&f, engine)?,
            yes: f.choice("outcome", &[("yes", true), ("no", false)], None)?,
        },
        "fund_premium" => Command::FundPremium {
            instrument: known_symbol(&f, engine)?,
        },
        "insurance_deposit" => Command::InsuranceDeposit {
            asset: f.name("asset")?,
            amount: positive_amount(&f, "amount")?,
        },
        "quote" => parse_quotes::quote(&f, engine)?,
        "set_protection" => parse_quotes::set_protection(&f, engine)?,
        "reset_protection" => parse_quotes::reset_protection(&f, engine)?,
        "positions" => return Ok(Input::Positions(f.account()?)),
        "margin" => return Ok(Input::Margin(f.account()?)),
        "insurance" => return Ok(Input::Insurance),
        "greeks" => return Ok(Input::Greeks(super::parse_derivatives::priced(&f, engine)?)),
        "balance" => return Ok(Input::Balance(f.account()?)),
        "fees" => return Ok(Input::Fees),
        "book" => {
            let instrument = known_symbol(&f, engine)?;
            let depth = f.opt_int_in("depth", 1, 1000)?.unwrap_or(10) as usize;
            return Ok(Input::Book { instrument, depth });
        }
        other => return Err(format!("unknown op `{other}`")),
    };
    Ok(Input::Command(cmd))
}

/// The instrument named by `symbol`, `None` when it is not listed.
fn symbol(f: &Fields, engine: &Engine) -> Result<Option<InstrumentId>, FieldError> {
    Ok(engine.instrument_id(&f.name("symbol")?))
}

pub(super) fn known_symbol(f: &Fields, engine: &Engine) -> Result<InstrumentId, FieldError> {
    symbol(f, engine)?.ok_or_else(|| "unknown symbol".to_string())
}

pub(super) fn grid(f: &Fields, key: &str) -> Result<Grid, FieldError> {
    match f.dec(key)? {
        Dec::Value(d) => Grid::new(d).map_err(|e| {
            format!("field `{key}` must be a positive decimal with at most 18 decimal places: {e}")
        }),
        Dec::TooLarge => Err(format!("field `{key}` is too large")),
    }
}

pub(super) fn positive_amount(f: &Fields, key: &str) -> Result<Amount, FieldError> {
    let bad = || format!("field `{key}` must be a positive decimal with at most 18 decimal places");
    match f.dec(key)? {
        Dec::Value(d) if d > Decimal::ZERO => decimal::amount(d).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn fee(f: &Fields, key: &str) -> Result<i32, FieldError> {
    Ok(f.opt_int_in(key, -10_000, 10_000)?.unwrap_or(0) as i32)
}

fn required_fee(f: &Fields, key: &str) -> Result<i32, FieldError> {
    Ok(f.int_in(key, -10_000, 10_000)? as i32)
}

/// An oracle or settlement price on the instrument's tick grid (off the grid: 0, which the
/// engine refuses as a bad price).
fn price_of(f: &Fields, engine: &Engine, instrument: InstrumentId) -> Result<Price, FieldError> {
    let tick = engine.instrument(instrument).map(|i| i.spec.tick);
    Ok(price_on(tick, f.dec("price")?))
}

pub(super) fn margin(f: &Fields) -> Result<Margin, FieldError> {
    Ok(Margin {
        initial_bps: f.int_in("initial_margin_bps", 0, 1_000_000)? as u32,
        maintenance_bps: f
            .opt_int_in("maintenance_margin_bps", 0, 1_000_000)?
            .unwrap_or(0) as u32,
    })
}

fn instrument(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let symbol = f.name("symbol")?;
    let kind = parse_derivatives::kind(f, engine)?;
    Ok(Command::AddInstrument(InstrumentSpec {
        symbol,
        kind,
        base: f.name("base")?,
        quote: f.name("quote")?,
        tick: grid(f, "tick")?,
        lot: grid(f, "lot")?,
        maker_fee_bps: fee(f, "maker_fee_bps")?,
        taker_fee_bps: fee(f, "taker_fee_bps")?,
    }))
}

/// A price on the instrument's grid; a well-formed value that is not allowed becomes the invalid
/// price 0 so the engine rejects it in its precedence.
fn price_on(grid: Option<Grid>, d: Dec) -> Price {
    match (grid, d) {
        (Some(g), Dec::Value(v)) => g.price(v).unwrap_or(Price(0)),
        (Some(_), Dec::TooLarge) => Price(0),
        // Unknown symbol: the engine rejects that first; any positive placeholder will do.
        (None, _) => Price(1),
    }
}

fn qty_on(grid: Option<Grid>, d: Dec) -> Qty {
    match (grid, d) {
        (Some(g), Dec::Value(v)) => g.qty(v).unwrap_or(Qty(0)),
        (Some(_), Dec::TooLarge) => Qty(0),
        (None, _) => Qty(1),
    }
}

fn grids(engine: &Engine, instrument: Option<InstrumentId>) -> (Option<Grid>, Option<Grid>) {
    match instrument.and_then(|i| engine.instrument(i)) {
        Some(i) => (Some(i.spec.tick), Some(i.spec.lot)),
        None => (None, None),
    }
}

fn new_order(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let account = f.account()?;
    let instrument = symbol(f, engine)?;
    let id = f.id()?;
    let side = f.choice("side", SIDES, None)?;
    let order_type = f.choice("type", TYPES, None)?;
    let qty = f.dec("qty")?;
    let price = match order_type {
        OrderType::Limit => Some(f.dec("price")?),
        OrderType::Market => {
            f.opt_dec("price")?;
            None
        }
    };
    let tif = match f.choice("tif", TIFS, Some(Tif::Gtc))? {
        Tif::Gtc => TimeInForce::Gtc,
        Tif::Ioc => TimeInForce::Ioc,
        Tif::Fok => TimeInForce::Fok,
        Tif::Gtd => TimeInForce::Gtd(Timestamp(f.int("expire")?)),
    };
    if !matches!(tif, TimeInForce::Gtd(_)) {
        f.opt_int("expire")?;
    }
    let post_only = f.opt_bool("post_only")?.unwrap_or(false);
    let reduce_only = f.opt_bool("reduce_only")?.unwrap_or(false);
    let stp = f.choice("stp", STPS, Some(SelfTradePrevention::None))?;
    let (tick, lot) = grids(engine, instrument);
    Ok(Command::New(NewOrder {
        account,
        instrument,
        id,
        side,
        order_type,
        price: price.map_or(Price(0), |p| price_on(tick, p)),
        qty: qty_on(lot, qty),
        tif,
        post_only,
        reduce_only,
        stp,
    }))
}

fn amend(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let account = f.account()?;
    let instrument = symbol(f, engine)?;
    let id = f.id()?;
    let price = f.opt_dec("price")?;
    let qty = f.opt_dec("qty")?;
    if price.is_none() && qty.is_none() {
        return Err("amend needs `price` and/or `qty`".into());
    }
    let (tick, lot) = grids(engine, instrument);
    Ok(Command::Amend {
        account,
        instrument,
        id,
        price: price.map(|p| price_on(tick, p)),
        qty: qty.map(|q| qty_on(lot, q)),
    })
}

fn controls(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let instrument = known_symbol(f, engine)?;
    let (tick, lot) = grids(engine, Some(instrument));
    let exact = |key: &str, g: Option<Grid>| -> Result<Option<i64>, FieldError> {
        match (f.opt_dec(key)?, g) {
            (None, _) => Ok(None),
            (Some(Dec::Value(v)), Some(g)) => g.steps(v).map(Some).map_err(|e| {
                format!("field `{key}` must be a positive multiple of the instrument's step: {e}")
            }),
            _ => Err(format!("field `{key}` is too large")),
        }
    };
    let max_notional = match f.opt_dec("max_notional")? {
        None => None,
        Some(_) => Some(positive_amount(f, "max_notional")?),
    };
    Ok(Command::SetControls {
        instrument,
        controls: Controls {
            price_band_bps: f
                .opt_int_in("price_band_bps", 1, 100_000)?
                .map(|v| v as u32),
            reference_price: exact("reference_price", tick)?.map(Price),
            max_qty: exact("max_qty", lot)?.map(Qty),
            max_notional,
            max_position: exact("max_position", lot)?.map(Qty),
        },
    })
}
