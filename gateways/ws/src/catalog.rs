//! The instruments a gateway trades, with their grids, for converting decimal strings to ticks
//! and lots and back. Built from the engine at start; fee and halt changes arrive as events.

use rust_decimal::Decimal;
use std::collections::HashMap;
use tradestream_model::decimal::Grid;
use tradestream_model::{InstrumentId, InstrumentSpec, Price, Qty, ShortName, UnitError};

/// One listed instrument.
#[derive(Debug, Clone)]
pub struct Listing {
    /// Engine id.
    pub id: InstrumentId,
    /// As listed (fees as currently in force).
    pub spec: InstrumentSpec,
    /// Trading halted.
    pub halted: bool,
}

/// All listed instruments, by id and by symbol.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    listings: Vec<Listing>,
    by_symbol: HashMap<ShortName, InstrumentId>,
}

/// Why a decimal parameter could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridError {
    /// The parameter's name (`params.price`).
    pub param: &'static str,
    /// What was wrong.
    pub message: String,
}

impl Catalog {
    /// Adds an instrument (in id order).
    pub fn add(&mut self, id: InstrumentId, spec: InstrumentSpec, halted: bool) {
        self.by_symbol.insert(spec.symbol, id);
        self.listings.push(Listing { id, spec, halted });
    }

    /// The instrument with this symbol.
    pub fn find(&self, symbol: &str) -> Option<&Listing> {
        let name = ShortName::new(symbol).ok()?;
        let id = self.by_symbol.get(&name)?;
        self.get(*id)
    }

    /// The instrument with this id.
    pub fn get(&self, id: InstrumentId) -> Option<&Listing> {
        self.listings.get(id.0 as usize)
    }

    /// Every instrument in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Listing> {
        self.listings.iter()
    }

    /// Records a halt or resume.
    pub fn set_halted(&mut self, id: InstrumentId, halted: bool) {
        if let Some(l) = self.listings.get_mut(id.0 as usize) {
            l.halted = halted;
        }
    }

    /// Records a fee change.
    pub fn set_fees(&mut self, id: InstrumentId, maker: i32, taker: i32) {
        if let Some(l) = self.listings.get_mut(id.0 as usize) {
            l.spec.maker_fee_bps = maker;
            l.spec.taker_fee_bps = taker;
        }
    }
}

impl Listing {
    /// A price on this instrument's tick grid.
    pub fn price(&self, value: Decimal) -> Result<Price, GridError> {
        self.spec
            .tick
            .price(value)
            .map_err(|e| grid_error("params.price", value, self.spec.tick, "tick", e))
    }

    /// A quantity on this instrument's lot grid.
    pub fn qty(&self, value: Decimal) -> Result<Qty, GridError> {
        self.lots("params.qty", value)
    }

    /// A limit quantity (0: off) on this instrument's lot grid, in lots; `param` names it in
    /// the error.
    pub fn limit_qty(&self, param: &'static str, value: Decimal) -> Result<i64, GridError> {
        if value.is_zero() {
            return Ok(0);
        }
        self.lots(param, value).map(|q| q.0)
    }

    /// `value` on the lot grid; `param` names it in the error.
    fn lots(&self, param: &'static str, value: Decimal) -> Result<Qty, GridError> {
        self.spec
            .lot
            .qty(value)
            .map_err(|e| grid_error(param, value, self.spec.lot, "lot", e))
    }

    /// Writes a price in ticks as a decimal.
    pub fn write_price(&self, p: Price, out: &mut Vec<u8>) {
        self.spec.tick.write(p.0, out);
    }

    /// Writes a quantity in lots as a decimal.
    pub fn write_qty(&self, q: Qty, out: &mut Vec<u8>) {
        self.spec.lot.write(q.0, out);
    }
}

fn grid_error(
    param: &'static str,
    value: Decimal,
    grid: Grid,
    what: &str,
    e: UnitError,
) -> GridError {
    let message = match e {
        UnitError::OffGrid => format!(
            "{param}: {value} is not a multiple of the {what} {}",
            grid.to_decimal()
        ),
        UnitError::NotPositive => format!("{param}: must be positive"),
        UnitError::Overflow => format!("{param}: {value} is too large"),
    };
    GridError { param, message }
}
