//! The message structs, the [`Message`] enum and the [`MessageType`] codes.
//!
//! - [`client`]: client → server, on the order-entry stream;
//! - [`server`]: server → client, on the order-entry stream;
//! - [`market`]: server → client market data, one frame per QUIC datagram;
//! - [`Heartbeat`] is sent in both directions on the order-entry stream.
//!
//! Fields are laid out in declaration order, packed, with no implicit padding; the only
//! padding bytes are the explicit ones inside [`Level`] and [`MdEntry`] entries.

pub mod client;
pub mod market;
pub mod server;

use crate::types::Timestamp;
use client::{Amend, Cancel, Logon, MassCancel, NewOrder, Quote, SnapshotRequest};
use market::{MdDelta, MdEntry};
use server::{
    AmendAck, CancelAck, Fill, Level, LogonAck, LogonReject, MassCancelAck, OrderAck,
    ProtectionTripped, QuoteAck, Reject, Snapshot,
};

/// Liveness ping, sent in both directions on the order-entry stream. Body: 8 bytes.
///
/// | offset | size | type  | field     |
/// |-------:|-----:|-------|-----------|
/// | 0      | 8    | `u64` | timestamp |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Heartbeat {
    /// The sender's clock, ns since the Unix epoch.
    pub timestamp: Timestamp,
}

impl Heartbeat {
    /// Body length in bytes.
    pub const BODY_LEN: usize = 8;
}

/// Defines [`MessageType`] and [`Message`] from one list of (variant, code, body length).
macro_rules! messages {
    ($($(#[$meta:meta])* $variant:ident = $code:literal, $len:expr;)+) => {
        /// The message type byte of the frame header.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum MessageType {
            $($(#[$meta])* $variant = $code,)+
        }

        impl MessageType {
            /// Every message type, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The wire code.
            #[must_use]
            pub const fn code(self) -> u8 {
                self as u8
            }

            /// The message type with wire code `code`, if any.
            #[must_use]
            pub const fn from_code(code: u8) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The body length of a fixed-size message type; `None` for the variable-length
            /// types ([`Snapshot`] and [`MdDelta`]).
            #[must_use]
            pub const fn fixed_body_len(self) -> Option<usize> {
                match self {
                    Self::Snapshot | Self::MdDelta => None,
                    _ => Some(self.min_body_len()),
                }
            }

            /// The smallest valid body length: the fixed length, or the fixed part of a
            /// variable-length message (zero entries).
            #[must_use]
            pub const fn min_body_len(self) -> usize {
                match self {
                    $(Self::$variant => $len,)+
                }
            }
        }

        /// Any protocol message.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Message {
            $($(#[$meta])* $variant($variant),)+
        }

        impl Message {
            /// This message's type.
            #[must_use]
            pub const fn message_type(&self) -> MessageType {
                match self {
                    $(Self::$variant(_) => MessageType::$variant,)+
                }
            }
        }

        $(
            impl From<$variant> for Message {
                fn from(m: $variant) -> Self {
                    Self::$variant(m)
                }
            }
        )+
    };
}

messages! {
    /// Client → server: authenticate the session ([`Logon`]).
    Logon = 0x01, Logon::BODY_LEN;
    /// Client → server: enter an order ([`NewOrder`]).
    NewOrder = 0x02, NewOrder::BODY_LEN;
    /// Client → server: cancel an order ([`Cancel`]).
    Cancel = 0x03, Cancel::BODY_LEN;
    /// Client → server: change an order's price and quantity ([`Amend`]).
    Amend = 0x04, Amend::BODY_LEN;
    /// Client → server: cancel all orders of one or all instruments ([`MassCancel`]).
    MassCancel = 0x05, MassCancel::BODY_LEN;
    /// Client → server: replace the two-sided quote of an instrument ([`Quote`]).
    Quote = 0x06, Quote::BODY_LEN;
    /// Client → server: ask for a book snapshot ([`SnapshotRequest`]).
    SnapshotRequest = 0x07, SnapshotRequest::BODY_LEN;
    /// Both directions: liveness ([`Heartbeat`]).
    Heartbeat = 0x10, Heartbeat::BODY_LEN;
    /// Server → client: logon accepted ([`LogonAck`]).
    LogonAck = 0x41, LogonAck::BODY_LEN;
    /// Server → client: logon refused ([`LogonReject`]).
    LogonReject = 0x42, LogonReject::BODY_LEN;
    /// Server → client: order accepted ([`OrderAck`]).
    OrderAck = 0x43, OrderAck::BODY_LEN;
    /// Server → client: request refused ([`Reject`]).
    Reject = 0x44, Reject::BODY_LEN;
    /// Server → client: execution ([`Fill`]).
    Fill = 0x45, Fill::BODY_LEN;
    /// Server → client: order cancelled ([`CancelAck`]).
    CancelAck = 0x46, CancelAck::BODY_LEN;
    /// Server → client: order amended ([`AmendAck`]).
    AmendAck = 0x47, AmendAck::BODY_LEN;
    /// Server → client: mass cancel done ([`MassCancelAck`]).
    MassCancelAck = 0x48, MassCancelAck::BODY_LEN;
    /// Server → client: quote accepted ([`QuoteAck`]).
    QuoteAck = 0x49, QuoteAck::BODY_LEN;
    /// Server → client: market-maker protection tripped ([`ProtectionTripped`]).
    ProtectionTripped = 0x4B, ProtectionTripped::BODY_LEN;
    /// Server → client: book snapshot, variable length ([`Snapshot`]).
    Snapshot = 0x4A, Snapshot::FIXED_LEN;
    /// Server → client datagram: book changes, variable length ([`MdDelta`]).
    MdDelta = 0x81, MdDelta::FIXED_LEN;
}

impl Message {
    /// The encoded body length in bytes (the frame adds [`HEADER_LEN`](crate::HEADER_LEN)).
    /// For a variable-length message this may exceed [`MAX_BODY_LEN`](crate::MAX_BODY_LEN),
    /// in which case it cannot be encoded.
    #[must_use]
    pub fn body_len(&self) -> usize {
        match self {
            Self::Snapshot(s) => Snapshot::FIXED_LEN + s.levels.len() * Level::LEN,
            Self::MdDelta(d) => MdDelta::FIXED_LEN + d.entries.len() * MdEntry::LEN,
            other => other.message_type().min_body_len(),
        }
    }
}
