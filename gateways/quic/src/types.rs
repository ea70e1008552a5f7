//! Wire field types: scalar aliases, the `u8` enums and the `u16` reject codes.

/// A price in integer ticks.
pub type Price = i64;
/// A quantity in integer lots.
pub type Qty = i64;
/// An instrument id.
pub type InstrumentId = u32;
/// A client-assigned order id, unique per session.
pub type ClientOrderId = u64;
/// An exchange-assigned order id.
pub type OrderId = u64;
/// An account id.
pub type AccountId = u64;
/// A sequence number.
pub type Seq = u64;
/// A timestamp in nanoseconds since the Unix epoch.
pub type Timestamp = u64;

/// Defines a `u8` wire enum with explicit codes and `code` / `from_code` conversions.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $code,)+
        }

        impl $name {
            /// Every variant, in code order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The wire code.
            #[must_use]
            pub const fn code(self) -> u8 {
                self as u8
            }

            /// The variant with wire code `code`, if any.
            #[must_use]
            pub const fn from_code(code: u8) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

wire_enum! {
    /// The side of an order, price level or book update.
    Side {
        /// Bid.
        Buy = 1,
        /// Offer.
        Sell = 2,
    }
}

wire_enum! {
    /// An order's time in force.
    TimeInForce {
        /// Good till cancelled: rests until filled or cancelled.
        Gtc = 1,
        /// Immediate or cancel: the unfilled remainder is cancelled.
        Ioc = 2,
        /// Fill or kill: filled entirely at once or not at all.
        Fok = 3,
        /// Post only: rejected if it would take liquidity, otherwise rests.
        PostOnly = 4,
    }
}

wire_enum! {
    /// What a market-data entry does to the book.
    MdAction {
        /// A new price level (or order) appears.
        New = 1,
        /// An existing level's quantity changes.
        Change = 2,
        /// A level disappears.
        Delete = 3,
        /// A trade printed at this price and quantity (side is the aggressor's).
        Trade = 4,
    }
}

/// A reject reason, a `u16` on the wire.
///
/// Any value decodes (unknown codes are passed through for forward compatibility); the
/// associated constants are the codes defined by schema version 1. Codes 1–99 are order-entry
/// rejects ([`Reject`](crate::Reject)), codes 100–199 are logon rejects
/// ([`LogonReject`](crate::LogonReject)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RejectCode(pub u16);

/// Defines the reject-code constants and their names.
macro_rules! reject_codes {
    ($($(#[$meta:meta])* $name:ident = $code:literal,)+) => {
        impl RejectCode {
            $($(#[$meta])* pub const $name: Self = Self($code);)+

            /// Every code defined by schema version 1, in code order.
            pub const ALL: &'static [Self] = &[$(Self::$name,)+];

            /// The code's constant name, or `None` for a code this version does not define.
            #[must_use]
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)+
                    _ => None,
                }
            }
        }
    };
}

reject_codes! {
    /// Unspecified reason.
    OTHER = 1,
    /// The instrument does not exist or is not tradable.
    UNKNOWN_INSTRUMENT = 2,
    /// The price is not positive or not on the tick grid.
    INVALID_PRICE = 3,
    /// The quantity is not positive or not a multiple of the lot size.
    INVALID_QUANTITY = 4,
    /// The client order id is already in use in this session.
    DUPLICATE_CLIENT_ID = 5,
    /// No live order has this client order id (cancel or amend).
    UNKNOWN_ORDER = 6,
    /// A risk limit would be breached.
    RISK_LIMIT = 7,
    /// A post-only order or quote side would have crossed the book.
    POST_ONLY_WOULD_CROSS = 8,
    /// The instrument is halted or the market is closed.
    MARKET_CLOSED = 9,
    /// The session exceeded its message rate.
    THROTTLED = 10,
    /// A quote's bid is at or above its ask.
    CROSSED_QUOTE = 11,
    /// The message arrived before a successful logon (also the LogonReject reason when the
    /// first frame on the stream is not a Logon).
    NOT_LOGGED_IN = 12,
    /// The engine's inbound queue is full: nothing was done, retry later.
    BUSY = 13,
    /// A fill-or-kill order could not be filled entirely at once.
    FOK_UNFILLED = 14,
    /// Market-maker protection tripped: the account's quoting on the instrument is frozen.
    MM_PROTECTION = 15,
    /// Logon: the signature does not verify.
    BAD_SIGNATURE = 100,
    /// Logon: the key id is unknown or not bound to the account.
    UNKNOWN_KEY = 101,
    /// Logon: the timestamp is outside the accepted clock skew.
    STALE_TIMESTAMP = 102,
    /// Logon: the nonce was already used.
    REPLAYED_NONCE = 103,
    /// Logon: the account already has a session.
    ALREADY_LOGGED_IN = 104,
    /// Logon: the account is disabled.
    ACCOUNT_DISABLED = 105,
    /// Logon: no Logon arrived within the logon timeout.
    LOGON_TIMEOUT = 106,
    /// Logon: the key lacks the `trade` scope.
    NOT_PERMITTED = 107,
}
