//! The methods of the API and their typed parameters.

use crate::channel::Channel;
use rust_decimal::Decimal;
use tradestream_model::{AccountId, ClientOrderId, OrderType, SelfTradePrevention, Side};

/// A method with its parameters, checked and converted.
///
/// Symbols are kept as strings (at most 16 bytes, checked); whether they are listed, and whether
/// prices and quantities sit on the instrument's grid, is decided by the gateway, which knows the
/// instruments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// `logon`.
    Logon(Logon),
    /// `logout`.
    Logout,
    /// `place`.
    Place(Place),
    /// `cancel`.
    Cancel {
        /// The instrument.
        symbol: String,
        /// The order.
        client_order_id: ClientOrderId,
    },
    /// `amend`: a new price and/or a new total quantity (at least one is present).
    Amend {
        /// The instrument.
        symbol: String,
        /// The order.
        client_order_id: ClientOrderId,
        /// New limit price.
        price: Option<Decimal>,
        /// New total quantity.
        qty: Option<Decimal>,
    },
    /// `mass_cancel`: every open order of the account, or those in one symbol.
    MassCancel {
        /// Only this instrument, if given.
        symbol: Option<String>,
    },
    /// `instruments`.
    Instruments,
    /// `ping`.
    Ping,
    /// `subscribe`, in the order given.
    Subscribe(Vec<Channel>),
    /// `unsubscribe`, in the order given.
    Unsubscribe(Vec<Channel>),
    /// `admin.halt`.
    AdminHalt {
        /// The instrument.
        symbol: String,
    },
    /// `admin.resume`.
    AdminResume {
        /// The instrument.
        symbol: String,
    },
    /// `admin.kill_switch`.
    AdminKillSwitch {
        /// The account.
        account: AccountId,
        /// On (refuse and cancel its orders) or off.
        on: bool,
    },
    /// `admin.set_fees`.
    AdminSetFees {
        /// The instrument.
        symbol: String,
        /// Maker fee in basis points (negative: a rebate).
        maker_fee_bps: i32,
        /// Taker fee in basis points.
        taker_fee_bps: i32,
    },
    /// `admin.set_protection`.
    AdminSetProtection(SetProtection),
    /// `admin.reset_protection`.
    AdminResetProtection {
        /// The market maker's account.
        account: AccountId,
        /// The instrument.
        symbol: String,
    },
}

impl Method {
    /// The wire name (`"place"`, `"admin.halt"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Method::Logon(_) => "logon",
            Method::Logout => "logout",
            Method::Place(_) => "place",
            Method::Cancel { .. } => "cancel",
            Method::Amend { .. } => "amend",
            Method::MassCancel { .. } => "mass_cancel",
            Method::Instruments => "instruments",
            Method::Ping => "ping",
            Method::Subscribe(_) => "subscribe",
            Method::Unsubscribe(_) => "unsubscribe",
            Method::AdminHalt { .. } => "admin.halt",
            Method::AdminResume { .. } => "admin.resume",
            Method::AdminKillSwitch { .. } => "admin.kill_switch",
            Method::AdminSetFees { .. } => "admin.set_fees",
            Method::AdminSetProtection(_) => "admin.set_protection",
            Method::AdminResetProtection { .. } => "admin.reset_protection",
        }
    }
}

/// `logon` parameters. The nonce's format (8 to 64 of `[A-Za-z0-9_-]`) and the signature's
/// alphabet (hex digits, either case) are checked by the parser; the signature's length and
/// validity by [`crate::auth`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logon {
    /// The key's public name.
    pub api_key: String,
    /// The client's clock in ms since the epoch.
    pub timestamp: i64,
    /// Never reused by this key.
    pub nonce: String,
    /// Hex signature of `logon\n<api_key>\n<timestamp>\n<nonce>`.
    pub signature: String,
    /// Cancel the account's open orders if this connection ends without a `logout`.
    pub cancel_on_disconnect: bool,
}

/// `place` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The instrument.
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// Limit (the default) or market.
    pub order_type: OrderType,
    /// Limit price: present exactly for limit orders.
    pub price: Option<Decimal>,
    /// Quantity.
    pub qty: Decimal,
    /// Time in force (default good till cancelled).
    pub tif: Tif,
    /// Refuse rather than take liquidity.
    pub post_only: bool,
    /// Self-trade prevention (default none).
    pub stp: SelfTradePrevention,
    /// The client's id, if given (else the gateway generates one).
    pub client_order_id: Option<ClientOrderId>,
}

/// `admin.set_protection` parameters: the limits of a market maker's protection on one
/// instrument. Both quantity limits 0 removes the protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetProtection {
    /// The market maker's account.
    pub account: AccountId,
    /// The instrument.
    pub symbol: String,
    /// The sliding window in milliseconds (at least 1).
    pub window_ms: u64,
    /// Most quantity filled within the window (both sides added); 0 is off. Not negative.
    pub max_filled: Decimal,
    /// Most absolute net quantity (buys minus sells) within the window; 0 is off. Not negative.
    pub max_delta: Decimal,
    /// How long quoting stays frozen after a trip, in milliseconds; 0: until a reset.
    pub freeze_ms: u64,
}

/// Time in force as sent by the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tif {
    /// `gtc`: good till cancelled.
    Gtc,
    /// `ioc`: immediate or cancel.
    Ioc,
    /// `fok`: fill or kill.
    Fok,
    /// `gtd` with its `expire_at` in ms since the epoch.
    Gtd(i64),
}
