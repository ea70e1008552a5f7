//! Tradestream's domain model: the types every other crate speaks.
//!
//! Prices are integer ticks ([`Price`]), quantities integer lots ([`Qty`]) and balances integer
//! units of 10^-18 of an asset ([`Amount`]). Decimals exist only at the edges, where
//! [`decimal`] converts exactly between decimal strings and these integers, never rounding.
//! [`Command`] is what the engine accepts, [`Event`] what it emits: small `Copy` values with no
//! heap data, so they can cross lock-free rings and be journaled as they are.

pub mod codec;
pub mod command;
pub mod decimal;
pub mod event;
pub mod ids;
pub mod instrument;
pub mod name;
pub mod order;
pub mod protection;
pub mod quote;
pub mod units;

pub use command::{Command, Controls, InstrumentSpec, NewOrder, PriceKind};
pub use event::{CancelReason, EngineError, Event, RejectReason};
pub use ids::{AccountId, AssetId, InstrumentId, OrderId, Timestamp, TradeId};
pub use instrument::{InstrumentKind, Margin, OptionRight, RiskArray, RISK_SCENARIOS};
pub use name::{ClientOrderId, NameError, ShortName};
pub use order::{OrderType, SelfTradePrevention, Side, TimeInForce};
pub use protection::ProtectionLimits;
pub use quote::{Quote, QuoteSide};
pub use units::{Amount, Price, Qty, UnitError, AMOUNT_DECIMALS, AMOUNT_SCALE};
