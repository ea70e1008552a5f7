//! Instrument kinds. Spot, dated futures, perpetuals and compute futures trade; options and
//! binaries are modelled but refused at listing (`unsupported_kind`) until their risk exists.

use crate::{InstrumentId, Price, Timestamp};

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionRight {
    /// Right to buy.
    Call,
    /// Right to sell.
    Put,
}

/// Cross-margin rates of a derivative, in basis points of notional. A derivative must have a
/// positive initial rate to list (`no_margin` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Margin {
    /// Initial margin: what positions and open orders need for a new order to be accepted.
    pub initial_bps: u32,
    /// Maintenance margin (recorded; used by liquidation, which does not exist yet).
    pub maintenance_bps: u32,
}

/// What an instrument is. Prices of derivatives are in the quote (settlement) asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    /// Exchange of base for quote; holds the assets themselves.
    Spot,
    /// A dated future, cash-settled at the index at `expiry`.
    DatedFuture {
        /// Expiry time.
        expiry: Timestamp,
        /// Margin rates.
        margin: Margin,
    },
    /// A perpetual swap with periodic funding.
    Perpetual {
        /// Funding interval in milliseconds.
        funding_interval_ms: i64,
        /// Margin rates.
        margin: Margin,
    },
    /// A European option on an underlying instrument or index.
    Option {
        /// The underlying.
        underlying: InstrumentId,
        /// Call or put.
        right: OptionRight,
        /// Strike, in ticks of the option's quote asset.
        strike: Price,
        /// Expiry time.
        expiry: Timestamp,
    },
    /// A binary prediction contract: trades between 0 and 1, settles at 0 or 1.
    Binary {
        /// Resolution deadline.
        expiry: Timestamp,
    },
    /// A dated future on a compute-price index (for example GPU-hours).
    ComputeFuture {
        /// Expiry time.
        expiry: Timestamp,
        /// Hours of compute per contract.
        hours_per_contract: u32,
        /// Margin rates.
        margin: Margin,
    },
}

impl InstrumentKind {
    /// The margin rates of a tradable derivative kind (`None` for spot, options and binaries).
    pub fn margin(&self) -> Option<Margin> {
        match *self {
            InstrumentKind::DatedFuture { margin, .. }
            | InstrumentKind::Perpetual { margin, .. }
            | InstrumentKind::ComputeFuture { margin, .. } => Some(margin),
            _ => None,
        }
    }

    /// The wire name of the kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            InstrumentKind::Spot => "spot",
            InstrumentKind::DatedFuture { .. } => "future",
            InstrumentKind::Perpetual { .. } => "perpetual",
            InstrumentKind::Option { .. } => "option",
            InstrumentKind::Binary { .. } => "binary",
            InstrumentKind::ComputeFuture { .. } => "compute_future",
        }
    }
}
