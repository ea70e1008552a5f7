//! Listed instruments and their derived scales.

use tradestream_model::{Amount, AssetId, Controls, InstrumentSpec, Price, RiskArray, Timestamp};
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
    /// Perpetuals: the smoothed basis (mark minus index) in ticks.
    pub basis: i64,
    /// Perpetuals: the sum of premium samples `(mark - index) / index` in parts per million
    /// since the last premium-index funding, and their count.
    pub premium_sum: i64,
    /// Number of premium samples in `premium_sum`.
    pub premium_count: u32,
    /// Perpetuals: when the last premium-index funding was paid.
    pub last_funding: Option<Timestamp>,
    /// Options: the journaled risk array (values in ticks per scenario).
    pub risk: Option<RiskArray>,
    /// Options: the volatility the risk array was priced at, parts per million.
    pub vol_ppm: u32,
    /// Binaries: ticks in one unit of the quote asset (the price of a `yes`); 0 otherwise.
    pub unit: i64,
}

impl Instrument {
    /// The price band in force: configured width around the mark (derivatives with a mark),
    /// else the last trade, else the configured reference price.
    pub fn band(&self) -> Option<PriceBand> {
        let bps = self.controls.price_band_bps?;
        let reference = self
            .mark
            .filter(|_| self.derivative)
            .or(self.last_trade)
            .or(self.controls.reference_price)?;
        Some(PriceBand::around(reference, bps))
    }
}
