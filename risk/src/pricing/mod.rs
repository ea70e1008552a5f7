//! Option pricing, done outside the deterministic engine core.
//!
//! The engine's state must follow from its journal alone, bit for bit on every replay, so no
//! floating-point result may decide engine state unless it was journaled. Option values need
//! logarithms, exponentials and the normal distribution, whose last bits can differ between
//! platforms and library versions. So options are priced here, in f64, by whoever feeds the
//! engine; the engine only ever sees the integer mark and risk array (in ticks) through a
//! journaled command, and replays that command rather than this arithmetic.
//!
//! [`Black76`] is the model; [`price_option`] turns an option's market inputs into the
//! [`OptionQuote`] that is journaled: the mark and the value in each of the model's
//! [`RISK_SCENARIOS`](tradestream_model::RISK_SCENARIOS) scenarios of a [`ScanRange`].

mod black76;
mod scenario;

pub use black76::{Black76, Greeks};
pub use scenario::{price_option, OptionQuote, PricingError, ScanRange};
