//! Pre-trade controls: pure functions the engine calls inline on its own thread.
//!
//! Every control is off unless configured, so an engine with no controls set behaves exactly as
//! the JSON Lines contract describes. The functions return the reject reason of the first control
//! that fails, in the engine's precedence order.
//!
//! [`protection`] holds the market-maker protection state (fills and net delta in a sliding
//! window of sequencer time, freeze and reset).
//!
//! [`pricing`] is the exception: it prices options in f64 outside the engine, which only sees its
//! integer results through a journaled command.

mod band;
mod limits;
pub mod pricing;
pub mod protection;

pub use band::{market_limit, PriceBand};
pub use limits::{check_capacity, check_instrument_controls, check_open_orders};
