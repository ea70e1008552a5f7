//! Events: what the engine reports, in the order it reports them.

use crate::{
    AccountId, AssetId, ClientOrderId, InstrumentId, OrderId, OrderType, Price, ProtectionLimits,
    Qty, Side, Timestamp, TradeId,
};
use thiserror::Error;

/// Why an order, amend, cancel or withdrawal was refused. The order of the variants is the
/// precedence: when several apply, the first is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// The symbol is not listed.
    UnknownSymbol,
    /// The account's kill switch is on (new orders and amends).
    KillSwitch,
    /// Trading in the instrument is halted (new orders and amends).
    InstrumentHalted,
    /// A quote while the account's market-maker protection on the instrument is frozen.
    MmProtection,
    /// The client order id was already used by an accepted order of this account.
    DuplicateId,
    /// No open order with that id (cancel, amend).
    UnknownOrder,
    /// Price zero, negative, off the tick grid or too large.
    InvalidPrice,
    /// Quantity zero, negative, off the lot grid, too large, or (amend) not above the filled part.
    InvalidQty,
    /// A quote whose bid price is not below its ask price.
    CrossedQuote,
    /// A GTD expiry not after the engine clock.
    InvalidExpire,
    /// Price outside the instrument's band.
    PriceBand,
    /// Quantity above the instrument's maximum.
    MaxQty,
    /// Notional above the instrument's maximum.
    MaxNotional,
    /// The account holds its maximum number of open orders.
    TooManyOrders,
    /// The engine holds its maximum number of open orders.
    EngineCapacity,
    /// A post-only order would trade on arrival.
    PostOnlyWouldCross,
    /// A fill-or-kill order cannot fill in full at once.
    FokUnfilled,
    /// A reduce-only order could increase or flip the position.
    ReduceOnly,
    /// The order could take the position beyond the instrument's limit.
    PositionLimit,
    /// The account cannot hold or pay what the request needs.
    InsufficientBalance,
    /// A derivative order: the account's equity in the settlement asset would not cover the
    /// initial margin of its positions and open orders with this order.
    InsufficientMargin,
}

impl RejectReason {
    /// The snake_case code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::UnknownSymbol => "unknown_symbol",
            RejectReason::KillSwitch => "kill_switch",
            RejectReason::InstrumentHalted => "instrument_halted",
            RejectReason::MmProtection => "mm_protection",
            RejectReason::DuplicateId => "duplicate_id",
            RejectReason::UnknownOrder => "unknown_order",
            RejectReason::InvalidPrice => "invalid_price",
            RejectReason::InvalidQty => "invalid_qty",
            RejectReason::CrossedQuote => "crossed_quote",
            RejectReason::InvalidExpire => "invalid_expire",
            RejectReason::PriceBand => "price_band",
            RejectReason::MaxQty => "max_qty",
            RejectReason::MaxNotional => "max_notional",
            RejectReason::TooManyOrders => "too_many_orders",
            RejectReason::EngineCapacity => "engine_capacity",
            RejectReason::PostOnlyWouldCross => "post_only_would_cross",
            RejectReason::FokUnfilled => "fok_unfilled",
            RejectReason::ReduceOnly => "reduce_only",
            RejectReason::PositionLimit => "position_limit",
            RejectReason::InsufficientBalance => "insufficient_balance",
            RejectReason::InsufficientMargin => "insufficient_margin",
        }
    }
}

/// Why an order left the book without filling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// The owner cancelled it.
    User,
    /// The unfilled part of an IOC or market order.
    IocRemainder,
    /// A mass cancel.
    Mass,
    /// Self-trade prevention.
    Stp,
    /// A GTD order reached its expiry.
    Expired,
    /// A market order reached the price band.
    PriceBand,
    /// The account's kill switch was turned on.
    KillSwitch,
    /// Cancel-on-disconnect: the account's session dropped.
    Disconnect,
    /// The instrument was settled.
    Settled,
    /// The account is being liquidated.
    Liquidation,
    /// A quote side replaced by the account's next quote on the instrument.
    Replaced,
    /// The account's market-maker protection on the instrument tripped.
    Protection,
}

impl CancelReason {
    /// The snake_case code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::User => "user",
            CancelReason::IocRemainder => "ioc_remainder",
            CancelReason::Mass => "mass",
            CancelReason::Stp => "stp",
            CancelReason::Expired => "expired",
            CancelReason::PriceBand => "price_band",
            CancelReason::KillSwitch => "kill_switch",
            CancelReason::Disconnect => "disconnect",
            CancelReason::Settled => "settled",
            CancelReason::Liquidation => "liquidation",
            CancelReason::Replaced => "replaced",
            CancelReason::Protection => "mm_protection",
        }
    }
}

/// A command the engine could not apply at all (as opposed to a rejected order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EngineError {
    /// A time command would move the clock backwards.
    #[error("time {ts} is before the engine clock {now}; the clock never goes backwards")]
    ClockBackwards {
        /// Current clock.
        now: i64,
        /// Requested time.
        ts: i64,
    },
    /// The symbol is already listed.
    #[error("symbol is already listed")]
    DuplicateSymbol,
    /// Base and quote are the same asset.
    #[error("base and quote must be different assets")]
    SameBaseQuote,
    /// `tick x lot` is finer than 10^-18 or too large.
    #[error("tick x lot must be a multiple of 10^-18 and fit 128 bits")]
    BadGrid,
    /// The asset's total would exceed the engine's limit of 2^120 units of 10^-18.
    #[error("deposit would take the asset's total beyond 2^120 units of 10^-18")]
    BalanceOverflow,
    /// A derivative listed without a positive initial margin rate.
    #[error("a derivative needs a positive initial margin rate")]
    NoMargin,
    /// The command does not apply to this instrument's kind (funding a non-perpetual, settling
    /// a perpetual or spot, an oracle price for spot).
    #[error("instrument id {0} is not of a kind this command applies to")]
    WrongKind(u32),
    /// A price that is not positive.
    #[error("price must be positive")]
    BadPrice,
    /// Funding needs a mark price.
    #[error("instrument id {0} has no mark price")]
    NoMark(u32),
    /// The instrument is already settled.
    #[error("instrument id {0} is already settled")]
    AlreadySettled(u32),
    /// Premium-index funding before the funding interval has passed.
    #[error("instrument id {0}: the funding interval has not passed since the last funding")]
    FundingTooEarly(u32),
    /// Premium-index funding needs both an index and a mark.
    #[error("instrument id {0} has no index price")]
    NoIndex(u32),
    /// An option mark or risk array value that is negative.
    #[error("option marks and risk array values must not be negative")]
    BadRisk,
    /// An amount that is not positive.
    #[error("amount must be positive")]
    BadAmount,
    /// A binary whose tick does not divide one unit of the quote asset.
    #[error("a binary's tick must divide 1")]
    BadUnit,
    /// An option whose underlying is not a listed future or perpetual with the same quote asset.
    #[error("an option's underlying must be a listed future or perpetual with the same quote")]
    BadUnderlying,
    /// A halt or fee change names an instrument id that is not listed.
    #[error("instrument id {0} is not listed")]
    UnknownInstrument(u32),
}

/// Something the engine reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An order entered the engine.
    Accepted {
        /// Owner.
        account: AccountId,
        /// Client order id.
        id: ClientOrderId,
        /// Engine order id.
        order_id: OrderId,
        /// Instrument.
        instrument: InstrumentId,
        /// Side.
        side: Side,
        /// Limit or market.
        order_type: OrderType,
        /// Limit price (meaningless for market orders).
        price: Price,
        /// Quantity.
        qty: Qty,
        /// Sequencer time of acceptance.
        ts: Timestamp,
    },
    /// A request was refused and changed nothing.
    Rejected {
        /// Account.
        account: AccountId,
        /// Client order id or request id.
        id: ClientOrderId,
        /// Why.
        reason: RejectReason,
    },
    /// Two orders traded at the maker's price.
    Trade {
        /// Instrument.
        instrument: InstrumentId,
        /// Trade id.
        trade_id: TradeId,
        /// Price.
        price: Price,
        /// Quantity.
        qty: Qty,
        /// Resting order's account.
        maker_account: AccountId,
        /// Resting order's client id.
        maker_id: ClientOrderId,
        /// Arriving order's account.
        taker_account: AccountId,
        /// Arriving order's client id.
        taker_id: ClientOrderId,
        /// Arriving order's side.
        taker_side: Side,
    },
    /// An order left the book unfilled.
    Cancelled {
        /// Owner.
        account: AccountId,
        /// Client order id.
        id: ClientOrderId,
        /// Instrument.
        instrument: InstrumentId,
        /// Why.
        reason: CancelReason,
        /// Quantity that was still open.
        leaves_qty: Qty,
    },
    /// An order was changed.
    Amended {
        /// Owner.
        account: AccountId,
        /// Client order id.
        id: ClientOrderId,
        /// Instrument.
        instrument: InstrumentId,
        /// Price now.
        price: Price,
        /// Total quantity now.
        qty: Qty,
        /// Open quantity now.
        leaves_qty: Qty,
    },
    /// An order is complete.
    Filled {
        /// Owner.
        account: AccountId,
        /// Client order id.
        id: ClientOrderId,
        /// Instrument.
        instrument: InstrumentId,
    },
    /// Trading in an instrument was halted (`halted: true`) or resumed.
    Halted {
        /// Instrument.
        instrument: InstrumentId,
        /// The state now.
        halted: bool,
    },
    /// An instrument's fee rates were replaced.
    FeesChanged {
        /// Instrument.
        instrument: InstrumentId,
        /// Maker fee in basis points now.
        maker_fee_bps: i32,
        /// Taker fee in basis points now.
        taker_fee_bps: i32,
    },
    /// An account's kill switch was turned on (after the cancels it caused) or off.
    KillSwitch {
        /// Account.
        account: AccountId,
        /// The state now.
        on: bool,
    },
    /// An oracle price was set.
    PriceSet {
        /// Instrument.
        instrument: InstrumentId,
        /// Index or mark.
        kind: crate::PriceKind,
        /// Price in ticks.
        price: Price,
    },
    /// Funding moved between settlement balances (one per open position, creation order).
    FundingPaid {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// Paid (positive) or received (negative), settlement units of 10^-18.
        amount: crate::Amount,
    },
    /// A position was closed by settlement (one per open position, creation order).
    PositionSettled {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// The signed lots closed.
        qty: i64,
        /// Realized PnL booked, settlement units of 10^-18.
        pnl: crate::Amount,
    },
    /// An option's mark and risk array were set.
    OptionMarked {
        /// Instrument.
        instrument: InstrumentId,
        /// Volatility used, parts per million.
        vol_ppm: u32,
        /// Mark in ticks.
        mark: Price,
    },
    /// The premium-index funding rate applied (before the `FundingPaid` events it causes).
    FundingRate {
        /// Instrument.
        instrument: InstrumentId,
        /// Rate in parts per million of notional at mark.
        rate_ppm: i64,
    },
    /// An account's equity at the mark fell below its maintenance margin; its liquidation
    /// follows (cancels, IOC steps, deleveraging, insurance) and ends with `Liquidated`.
    LiquidationStarted {
        /// Account.
        account: AccountId,
        /// Settlement asset.
        asset: AssetId,
        /// Equity at the mark, units of 10^-18.
        equity: crate::Amount,
        /// Maintenance margin, units of 10^-18.
        maintenance: crate::Amount,
    },
    /// One liquidation step: an IOC order closing part of a position against the book (its
    /// trades precede this event; the taker id is `liquidation`).
    LiquidationStep {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// Side of the IOC order.
        side: Side,
        /// Quantity sent.
        qty: Qty,
        /// Limit price.
        limit: Price,
        /// Quantity filled.
        filled: Qty,
    },
    /// Auto-deleveraging: part of the liquidated account's position closed against an opposing
    /// position, most profitable first.
    Deleveraged {
        /// Liquidated account.
        account: AccountId,
        /// Counterparty whose position was reduced.
        counterparty: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// Lots closed (of the liquidated account's position, signed like it).
        qty: i64,
        /// Price.
        price: Price,
    },
    /// The insurance fund covered a liquidated account's negative balance.
    InsurancePaid {
        /// Account.
        account: AccountId,
        /// Settlement asset.
        asset: AssetId,
        /// Amount paid, units of 10^-18.
        amount: crate::Amount,
    },
    /// A liquidation finished: the account's positions in the asset are closed.
    Liquidated {
        /// Account.
        account: AccountId,
        /// Settlement asset.
        asset: AssetId,
        /// Balance afterwards, units of 10^-18 (never negative unless the fund ran dry).
        balance: crate::Amount,
    },
    /// An instrument was settled at `price`; it accepts no more orders.
    Settled {
        /// Instrument.
        instrument: InstrumentId,
        /// Settlement price in ticks.
        price: Price,
    },
    /// A quote was applied (after the cancels of the quote it replaced and its sides' own
    /// events): the engine order ids of the sides placed.
    Quoted {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// The quote's id.
        id: ClientOrderId,
        /// The bid order, if the side was present and accepted (even if it filled at once).
        bid: Option<OrderId>,
        /// The ask order, likewise.
        ask: Option<OrderId>,
    },
    /// A market-maker protection was configured (all-zero limits: removed).
    ProtectionSet {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// The limits now.
        limits: ProtectionLimits,
    },
    /// A market-maker protection tripped at the end of a command's matching; the cancels of the
    /// account's quote orders on the instrument follow.
    ProtectionTripped {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
        /// Lots filled within the window.
        filled: i64,
        /// Net delta within the window.
        delta: i64,
        /// When quoting unfreezes; `None`: at a reset.
        frozen_until: Option<Timestamp>,
    },
    /// A market-maker protection was reset by an operator.
    ProtectionReset {
        /// Account.
        account: AccountId,
        /// Instrument.
        instrument: InstrumentId,
    },
    /// The command could not be applied.
    Error(EngineError),
}
