//! Listed instruments and their derived scales.

use tradestream_model::{Amount, AssetId, Controls, InstrumentSpec, Price};
use tradestream_risk::PriceBand;

/// A listed instrument.
#[derive(Debug, Clone, Copy)]
pub struct Instrument {
    /// As listed, except the fee rates: those in force (a fee change replaces them).
    pub spec: InstrumentSpec,
    /// Base asset.
    pub base: AssetId,
    /// Quote asset.
    pub quote: AssetId,
    /// Cost of one lot at one tick, in quote units of 10^-18.
    pub quote_per_tick_lot: Amount,
    /// One lot in base units of 10^-18.
    pub base_per_lot: Amount,
    /// Pre-trade controls.
    pub controls: Controls,
    /// Price of the last trade.
    pub last_trade: Option<Price>,
    /// A derivative (future, perpetual, compute future): trades change positions, not base
    /// balances, and orders hold nothing.
    pub derivative: bool,
    /// Oracle index price (derivatives).
    pub index: Option<Price>,
    /// Oracle mark price (derivatives): margin and funding use it.
    pub mark: Option<Price>,
    /// Settled (dated and compute futures): new orders and amends are rejected
    /// `instrument_halted`, for good.
    pub settled: bool,
    /// Trading halted: new orders and amends are rejected `instrument_halted`.
    pub halted: bool,
}

impl Instrument {
    /// The price band in force: configured width around the last trade, or around the configured
    /// reference price before the first trade.
    pub fn band(&self) -> Option<PriceBand> {
        let bps = self.controls.price_band_bps?;
        let reference = self.last_trade.or(self.controls.reference_price)?;
        Some(PriceBand::around(reference, bps))
    }
}
