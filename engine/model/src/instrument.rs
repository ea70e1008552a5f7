//! Instrument kinds: spot, dated futures, perpetual swaps, European options, binary prediction
//! contracts and compute futures, with their margin parameters.

use crate::{InstrumentId, Price, Timestamp};

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionRight {
    /// Right to buy.
    Call,
    /// Right to sell.
    Put,
}

/// Cross-margin rates of a derivative. Futures, perpetuals and compute futures: basis points of
/// notional at the mark. Options: basis points of the scenario loss (10000 = the full worst loss
/// over the journaled risk array). A future, perpetual, compute future or option must have a
/// positive initial rate to list (`no_margin` otherwise); binaries are margined at their maximum
/// loss and carry no rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Margin {
    /// Initial margin: what positions and open orders need for a new order to be accepted.
    pub initial_bps: u32,
    /// Maintenance margin: an account whose equity at the mark falls below the maintenance margin
    /// of its positions is liquidated.
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
        /// Funding interval in milliseconds: a premium-index funding command is refused until
        /// this long after the previous one.
        funding_interval_ms: i64,
        /// Margin rates.
        margin: Margin,
        /// Smoothing of the basis, parts per million: on each index price the basis (mid of the
        /// book, else last trade, minus index) moves this share of the way to the new sample and
        /// the mark becomes index + basis. Zero: the mark is only ever set explicitly.
        basis_smoothing_ppm: u32,
        /// Clamp of the premium-index funding rate, parts per million per interval (zero: no
        /// clamp).
        funding_cap_ppm: u32,
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
        /// Margin rates (shares of the scenario loss).
        margin: Margin,
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
    /// The margin rates of a derivative kind (`None` for spot and binaries).
    pub fn margin(&self) -> Option<Margin> {
        match *self {
            InstrumentKind::DatedFuture { margin, .. }
            | InstrumentKind::Perpetual { margin, .. }
            | InstrumentKind::Option { margin, .. }
            | InstrumentKind::ComputeFuture { margin, .. } => Some(margin),
            _ => None,
        }
    }

    /// True for every kind but spot: trades change positions, not base balances.
    pub fn is_derivative(&self) -> bool {
        !matches!(self, InstrumentKind::Spot)
    }

    /// The expiry of a dated kind (futures, compute futures, options, binaries).
    pub fn expiry(&self) -> Option<Timestamp> {
        match *self {
            InstrumentKind::DatedFuture { expiry, .. }
            | InstrumentKind::Option { expiry, .. }
            | InstrumentKind::Binary { expiry }
            | InstrumentKind::ComputeFuture { expiry, .. } => Some(expiry),
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

/// Scenarios in an option's risk array: the underlying moved by -3..=3 thirds of the scan range
/// (index `2 x move + shift`, moves in order -3, -2, -1, 0, 1, 2, 3) with the volatility shifted
/// up (even index) or down (odd index).
pub const RISK_SCENARIOS: usize = 14;

/// An option's value in ticks in each risk scenario (see [`RISK_SCENARIOS`]).
pub type RiskArray = [i64; RISK_SCENARIOS];
