//! Commands: everything that changes engine state.
//!
//! Commands are resolved at the edge: symbols become [`InstrumentId`]s (or `None` when the symbol
//! is not listed, which the engine rejects as `unknown_symbol` in its place in the precedence) and
//! decimal prices and quantities become ticks and lots. An edge that cannot convert a price or
//! quantity exactly passes a non-positive value, which the engine rejects (`invalid_price`,
//! `invalid_qty`), so the reject order stays the engine's alone.

use crate::decimal::Grid;
use crate::{
    AccountId, Amount, ClientOrderId, InstrumentId, InstrumentKind, OrderType, Price,
    ProtectionLimits, Qty, Quote, SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
};

/// A new instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstrumentSpec {
    /// Unique symbol.
    pub symbol: ShortName,
    /// What it is.
    pub kind: InstrumentKind,
    /// Base asset (what a spot buyer receives).
    pub base: ShortName,
    /// Quote asset (what prices are in).
    pub quote: ShortName,
    /// Price step.
    pub tick: Grid,
    /// Quantity step.
    pub lot: Grid,
    /// Maker fee in basis points; negative is a rebate.
    pub maker_fee_bps: i32,
    /// Taker fee in basis points.
    pub taker_fee_bps: i32,
}

/// A new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrder {
    /// Owner.
    pub account: AccountId,
    /// Instrument, `None` when the symbol is not listed.
    pub instrument: Option<InstrumentId>,
    /// Client order id, unique per account forever.
    pub id: ClientOrderId,
    /// Buy or sell.
    pub side: Side,
    /// Limit or market.
    pub order_type: OrderType,
    /// Limit price in ticks (ignored for market orders).
    pub price: Price,
    /// Quantity in lots.
    pub qty: Qty,
    /// Time in force.
    pub tif: TimeInForce,
    /// Reject instead of trading on arrival.
    pub post_only: bool,
    /// Derivatives: only ever reduce the position (rejected `reduce_only` when the order, with
    /// the account's other open orders on its side, could increase or flip it).
    pub reduce_only: bool,
    /// Self-trade prevention.
    pub stp: SelfTradePrevention,
}

/// Per-instrument pre-trade controls; each `None` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Controls {
    /// Price band around the reference price, in basis points.
    pub price_band_bps: Option<u32>,
    /// Reference price used until the first trade sets one.
    pub reference_price: Option<Price>,
    /// Largest order quantity.
    pub max_qty: Option<Qty>,
    /// Largest limit order notional in the quote asset.
    pub max_notional: Option<Amount>,
    /// Derivatives: the largest absolute position an account may reach, counting its open
    /// orders on the order's side as filled.
    pub max_position: Option<Qty>,
}

/// A sequenced input of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// List an instrument.
    AddInstrument(InstrumentSpec),
    /// Credit an account.
    Deposit {
        /// Account.
        account: AccountId,
        /// Asset.
        asset: ShortName,
        /// Positive amount.
        amount: Amount,
    },
    /// Debit an account's available balance.
    Withdraw {
        /// Account.
        account: AccountId,
        /// Asset.
        asset: ShortName,
        /// Positive amount.
        amount: Amount,
        /// Request id, echoed in a reject.
        id: ClientOrderId,
    },
    /// Place an order.
    New(NewOrder),
    /// Cancel an open order.
    Cancel {
        /// Owner.
        account: AccountId,
        /// Instrument, `None` when the symbol is not listed.
        instrument: Option<InstrumentId>,
        /// Client order id.
        id: ClientOrderId,
    },
    /// Change an open order's price and/or total quantity.
    Amend {
        /// Owner.
        account: AccountId,
        /// Instrument, `None` when the symbol is not listed.
        instrument: Option<InstrumentId>,
        /// Client order id.
        id: ClientOrderId,
        /// New price in ticks.
        price: Option<Price>,
        /// New total quantity in lots.
        qty: Option<Qty>,
    },
    /// Cancel all of an account's open orders, or those in one instrument.
    MassCancel {
        /// Owner.
        account: AccountId,
        /// `None`: every instrument. `Some(None)`: a symbol that is not listed.
        instrument: Option<Option<InstrumentId>>,
    },
    /// Move the engine clock forward and expire GTD orders.
    Time {
        /// New clock value.
        ts: Timestamp,
    },
    /// Set an instrument's pre-trade controls.
    SetControls {
        /// Instrument.
        instrument: InstrumentId,
        /// The controls; replaces the previous ones.
        controls: Controls,
    },
    /// Halt (`halted: true`) or resume (`false`) trading in one instrument. While halted, new
    /// orders and amends in it are rejected (`instrument_halted`); cancels, mass cancels,
    /// disconnects and expiries still work and resting orders stay.
    Halt {
        /// Instrument.
        instrument: InstrumentId,
        /// The new state.
        halted: bool,
    },
    /// Turn an account's kill switch on (cancelling all its open orders; new orders and amends
    /// are then rejected `kill_switch`) or off.
    KillSwitch {
        /// Account.
        account: AccountId,
        /// The new state.
        on: bool,
    },
    /// Replace an instrument's fee rates for trades from now on.
    SetFees {
        /// Instrument.
        instrument: InstrumentId,
        /// Maker fee in basis points; negative is a rebate.
        maker_fee_bps: i32,
        /// Taker fee in basis points.
        taker_fee_bps: i32,
    },
    /// Cancel-on-disconnect: a gateway saw a session of the account drop; every open order of
    /// the account is cancelled.
    Disconnect {
        /// Account.
        account: AccountId,
    },
    /// An oracle price of a derivative: the index or the mark, in the instrument's ticks.
    SetPrice {
        /// Instrument.
        instrument: InstrumentId,
        /// Index or mark.
        kind: PriceKind,
        /// Positive price in ticks.
        price: Price,
    },
    /// Perpetual funding: every open position pays `qty x mark x rate_ppm / 10^6` (positive:
    /// longs pay shorts) between settlement balances.
    Fund {
        /// A perpetual with a mark price.
        instrument: InstrumentId,
        /// Rate in parts per million of notional at mark.
        rate_ppm: i64,
    },
    /// Settle a dated future, compute future or option at `price` (options: the underlying's
    /// settlement price; positions close at the payoff): cancel its orders, close every position.
    Settle {
        /// Instrument.
        instrument: InstrumentId,
        /// Positive settlement price in ticks.
        price: Price,
    },
    /// An option's mark and risk array, priced outside the engine (Black-76 from the journaled
    /// volatility) and entering as a journaled input.
    OptionRisk {
        /// An option.
        instrument: InstrumentId,
        /// The volatility the pricer used, parts per million (recorded for audit).
        vol_ppm: u32,
        /// Mark price in ticks (zero allowed).
        mark: Price,
        /// Values in ticks in each scenario.
        values: crate::RiskArray,
    },
    /// Resolve a binary contract: settle every position at 1 (`yes`) or 0.
    Resolve {
        /// A binary.
        instrument: InstrumentId,
        /// The outcome.
        yes: bool,
    },
    /// Perpetual funding at the premium index: the mean of `(mark - index) / index` over the
    /// prices set since the previous funding, clamped, in parts per million.
    FundPremium {
        /// A perpetual with index and mark.
        instrument: InstrumentId,
    },
    /// Pay into the insurance fund of a settlement asset (it covers liquidation losses beyond an
    /// account's equity).
    InsuranceDeposit {
        /// Asset.
        asset: ShortName,
        /// Positive amount.
        amount: Amount,
    },
    /// A market maker's two-sided quote, replacing its previous quote on the instrument.
    Quote(Quote),
    /// Configure (replace) the market-maker protection of an account on an instrument; all-zero
    /// limits remove it.
    SetProtection {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// The limits.
        limits: ProtectionLimits,
    },
    /// An operator's reset of a protection: unfrozen, its window forgotten.
    ResetProtection {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
    },
}

/// Which oracle price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceKind {
    /// The index (underlying) price.
    Index,
    /// The mark price: unrealized PnL, margin and funding use it.
    Mark,
}

impl PriceKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceKind::Index => "index",
            PriceKind::Mark => "mark",
        }
    }
}
